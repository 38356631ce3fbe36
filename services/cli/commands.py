"""What each `callroute` subcommand does. Imports are local so each command loads only what it needs."""

import argparse
import json
import os
import sys
from pathlib import Path


def home() -> Path:
    """Where `callroute up` keeps its state (Valkey's log, partner keys, the URL it serves)."""
    return Path(os.environ.get("CALLROUTE_HOME", ".callroute")).resolve()


def served_url(explicit: str | None) -> str:
    if explicit:
        return explicit.rstrip("/")
    if os.environ.get("CALLROUTE_URL"):
        return os.environ["CALLROUTE_URL"].rstrip("/")
    state = home() / "state.json"
    if state.exists():
        return json.loads(state.read_text())["url"]
    sys.exit("callroute: no API URL: start `callroute up` first, or pass --url / set CALLROUTE_URL")


def _input_lines(file: str | None):
    """The input's lines; a byte-order mark (files saved by Windows tools) is not part of line 1."""
    if file and file != "-":
        try:
            return open(file, encoding="utf-8-sig", errors="replace")  # utf-8-sig drops the mark
        except OSError as exc:
            sys.exit(f"callroute: cannot read {file}: {exc.strerror}")
    return (line.removeprefix("\ufeff") if n == 0 else line for n, line in enumerate(sys.stdin))


def up(args: argparse.Namespace) -> int:
    from services.cli.up import Supervisor

    scale = args.deadline_scale if args.deadline_scale is not None else (1.0 if args.no_sim else 0.05)
    return Supervisor(home(), rate=args.rate, simulate=not args.no_sim, port=args.port, deadline_scale=scale).run()


def run(args: argparse.Namespace) -> int:
    from services.kit.logging import configure_logging
    from services.kit.service import serve

    if args.service == "gateway":
        import uvicorn

        from services.cli.gateway import GatewaySettings, build_gateway

        settings = GatewaySettings()
        configure_logging("gateway")
        uvicorn.run(build_gateway(settings), host=settings.gateway_host, port=settings.gateway_port,
                    log_level="warning", access_log=False)
        return 0
    service, settings = _build(args.service)
    configure_logging(args.service, settings.log_level, settings.log_json)
    serve(service, getattr(settings, "http_host", None), getattr(settings, "http_port", None))
    return 0


def _build(name: str):
    if name == "intake":
        from services.intake.app import create_service
        from services.intake.settings import IntakeSettings as S
    elif name == "classifier":
        from services.classifier.app import create_service
        from services.classifier.settings import ClassifierSettings as S
    else:
        from services.dispatch.app import create_service
        from services.dispatch.settings import DispatchSettings as S
    settings = S()
    return create_service(settings), settings


def call(args: argparse.Namespace) -> int:
    import httpx

    from services.cli.route_view import format_route, wait_for_route

    url = served_url(args.url)
    body = {"text": args.text, **{k: v for k, v in {"address": args.address, "caller_phone": args.caller_phone}.items() if v}}
    resp = httpx.post(f"{url}/api/v1/calls", json=body, timeout=10)
    if resp.status_code != 202:
        print(f"refused ({resp.status_code}): {resp.text}", file=sys.stderr)
        return 1
    call_id = resp.json()["call_id"]
    print(f"call {call_id} accepted")
    view = wait_for_route(url, call_id, args.timeout)
    if view is None:
        print(f"no route decided within {args.timeout:.0f}s; see {url}/api/v1/calls/{call_id}", file=sys.stderr)
        return 2
    print(format_route(view))
    return 0


def classify(args: argparse.Namespace) -> int:
    from schemas.policy import load_policy
    from services.classifier.cli import run_classify
    from services.classifier.engine import load_engine

    run_classify(_input_lines(args.file), sys.stdout, load_engine(), load_policy())
    return 0


def evaluate(args: argparse.Namespace) -> int:
    from services.classifier.evaluate import run_eval, run_files

    if args.files:
        return run_files([Path(f) for f in args.files], sys.stdout, sys.stderr, show_misses=args.misses)
    return run_eval(sys.stdout, show_misses=args.misses)


def resolve(args: argparse.Namespace) -> int:
    from services.dispatch.directory import load_directory
    from services.dispatch.resolve_cli import run as run_resolve

    run_resolve(_input_lines(args.file), sys.stdout, load_directory())
    return 0


def docs(args: argparse.Namespace) -> int:
    from services.cli.asyncapi import render

    text = render()
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def simulate_partners(args: argparse.Namespace) -> int:
    from services.cli.partner_sim import run_simulator

    return run_simulator(served_url(args.url), home(), args.port, args.speed)


