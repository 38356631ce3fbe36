"""The `callroute` command."""

import argparse
import sys

from services.cli import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callroute", description="Route non-police 110 calls to the right agency.")
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the whole system on embedded engines, with simulated calls and partners")
    up.add_argument("--rate", type=float, default=0.5, help="simulated calls per second (default 0.5)")
    up.add_argument("--no-sim", action="store_true", help="no simulated calls and no partner simulator")
    up.add_argument("--port", type=int, default=0, help="HTTP port of the API (default: a free one)")
    up.add_argument("--deadline-scale", type=float, default=None,
                    help="multiplies every deadline (default 0.05 with the simulator, so escalations show; 1 with --no-sim)")
    up.set_defaults(func=commands.up)

    run = sub.add_parser("run", help="run one service process (production: N of each in one consumer group)")
    run.add_argument("service", choices=["intake", "classifier", "dispatch", "gateway"])
    run.set_defaults(func=commands.run)

    call = sub.add_parser("call", help="post one call and print its route when it is decided")
    call.add_argument("text")
    call.add_argument("--address")
    call.add_argument("--phone", dest="caller_phone")
    call.add_argument("--url", help="API URL (default: the one `callroute up` is serving)")
    call.add_argument("--timeout", type=float, default=20.0)
    call.set_defaults(func=commands.call)

    classify = sub.add_parser("classify", help="classify JSONL calls (id, text) from FILE or stdin")
    classify.add_argument("file", nargs="?")
    classify.set_defaults(func=commands.classify)

    ev = sub.add_parser("eval", help="print the classifier's evaluation table (held-out split and sample, or FILEs)")
    ev.add_argument("files", nargs="*", help="labelled JSONL files to score instead (text, call_type, flags)")
    ev.add_argument("--misses", action="store_true", help="also list the calls not routed exactly")
    ev.set_defaults(func=commands.evaluate)

    resolve = sub.add_parser("resolve", help="resolve JSONL addresses (id, address) from FILE or stdin")
    resolve.add_argument("file", nargs="?")
    resolve.set_defaults(func=commands.resolve)

    docs = sub.add_parser("docs", help="write the AsyncAPI document of all services")
    docs.add_argument("--out", default="-")
    docs.set_defaults(func=commands.docs)

    partners = sub.add_parser("partners", help="partner tools")
    psub = partners.add_subparsers(dest="partners_command", required=True)
    sim = psub.add_parser("simulate", help="play the demo partners (webhook receivers that answer)")
    sim.add_argument("--url", help="API URL (default: the one `callroute up` is serving)")
    sim.add_argument("--port", type=int, default=0)
    sim.add_argument("--speed", type=float, default=1.0, help="multiplies every simulated delay (0.5 = twice as fast)")
    sim.set_defaults(func=commands.simulate_partners)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
