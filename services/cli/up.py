"""`callroute up`: the whole system on one machine, supervised.

Starts (unless KAFKA_BOOTSTRAP_SERVERS / REDIS_URL point elsewhere) Tansu and Valkey on free
loopback ports, creates the topics, runs each service as its own process, restarts any that
dies, replays demo calls, prints each call's route, and on Ctrl-C/SIGTERM stops all it started.
"""

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from services.cli.engines import Engine, free_port, start_tansu, start_valkey, wait_for_port
from services.cli.route_printer import print_routes
from services.cli.simulate_calls import replay_calls
from services.dispatch.credentials import issue_demo_credentials
from services.dispatch.directory import load_directory
from services.kit.stream import ensure_topics

SERVICES = ("intake", "classifier", "dispatch", "gateway")


def say(text: str) -> None:
    print(f"[callroute] {text}", flush=True)


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.restarts = 0

    async def start(self) -> None:
        log = open(self.log_path, "ab")
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        log.close()

    async def stop(self, timeout_s: float = 10.0) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout_s)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


class Supervisor:
    def __init__(self, home: Path, rate: float, simulate: bool, port: int = 0, deadline_scale: float = 1.0) -> None:
        self.home, self.rate, self.simulate, self.port = home, rate, simulate, port
        self.deadline_scale = deadline_scale
        self.engines: list[Engine] = []
        self.children: list[Child] = []
        self.stopping = asyncio.Event()
        self._restarting: set[asyncio.Task] = set()

    def run(self) -> int:
        try:
            return asyncio.run(self._main())
        finally:
            for engine in reversed(self.engines):
                engine.stop()
                say(f"stopped {engine.name}")

    def _engines(self) -> tuple[str, str]:
        (self.home / "logs").mkdir(parents=True, exist_ok=True)
        kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not kafka:
            broker = start_tansu(log_file=self.home / "logs" / "tansu.log")
            self.engines.append(broker)
            kafka = broker.url
            say(f"Tansu broker (embedded, memory storage) on {kafka}")
        else:
            say(f"Kafka at {kafka}")
        redis = os.environ.get("REDIS_URL")
        if not redis:
            valkey = start_valkey(self.home / "valkey")
            self.engines.append(valkey)
            redis = valkey.url
            say(f"Valkey (embedded, append-only log in {self.home / 'valkey'}) on {redis}")
        else:
            say(f"Redis at {redis}")
        return kafka, redis

    async def _main(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        kafka, redis = self._engines()
        created = await ensure_topics(kafka)
        say(f"topics ready ({len(created)} created)")

        port = self.port or free_port()
        url = f"http://127.0.0.1:{port}"
        ports = {"intake": free_port(), "dispatch": free_port(), "simulator": free_port()}
        directory = load_directory()
        creds = issue_demo_credentials(directory.partners, self.home, url, ports["simulator"] if self.simulate else None)
        say(f"partner API keys for the {len(directory.partners)} demo partners: {self.home / 'partner-keys.json'}")
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka, "REDIS_URL": redis, "CALLROUTE_HOME": str(self.home),
            "INTAKE_HTTP_PORT": str(ports["intake"]), "DISPATCH_HTTP_PORT": str(ports["dispatch"]),
            "INTAKE_URL": f"http://127.0.0.1:{ports['intake']}", "DISPATCH_URL": f"http://127.0.0.1:{ports['dispatch']}",
            "GATEWAY_PORT": str(port), "PYTHONUNBUFFERED": "1",
            "PARTNER_CREDENTIALS_FILE": str(creds), "DEADLINE_SCALE": str(self.deadline_scale),
        }
        if self.simulate:
            env["PARTNER_WEBHOOK_BASE_URL"] = f"http://127.0.0.1:{ports['simulator']}"
        cli = [sys.executable, "-m", "services.cli.main"]
        for name in SERVICES:
            self.children.append(Child(name, [*cli, "run", name], env, self.home / "logs" / f"{name}.log"))
        if self.simulate:
            sim = [*cli, "partners", "simulate", "--url", url, "--port", str(ports["simulator"]), "--speed", "0.3"]
            self.children.append(Child("partner-sim", sim, env, self.home / "logs" / "partner-sim.log"))
        for child in self.children:
            await child.start()
        # Announce the URL only once every HTTP service behind it answers.
        for ready in (ports["intake"], ports["dispatch"], port):
            await asyncio.to_thread(wait_for_port, ready, 60.0)
        (self.home / "state.json").write_text(json.dumps({"url": url, "kafka": kafka, "redis": redis}))
        say(f"processes: {', '.join(c.name for c in self.children)} (logs in {self.home / 'logs'})")
        if self.deadline_scale != 1.0:
            say(f"deadlines scaled by {self.deadline_scale} (see --deadline-scale) so escalations show in minutes")
        say(f"API listening on {url}")
        print(url, flush=True)

        tasks = [asyncio.create_task(self._supervise(kafka)), asyncio.create_task(print_routes(kafka, self.stopping))]
        tasks += [asyncio.create_task(job) for job in self._sim_jobs(url)]
        await self.stopping.wait()
        say("stopping ...")
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(child.stop() for child in self.children))
        for child in self.children:
            say(f"stopped {child.name}")
        return 0

    def _sim_jobs(self, url: str) -> list:
        if not self.simulate:
            return []
        return [replay_calls(url, self.rate, self.stopping)]

    async def _supervise_engines(self, kafka: str) -> None:
        """An embedded engine that dies is started again on its port (Valkey replays its log; Tansu
        comes back empty, so the topics are created again and consumers start from the beginning)."""
        for n, engine in enumerate(self.engines):
            code = engine.proc.poll()
            if code is None or self.stopping.is_set() or engine.restart is None:
                continue
            say(f"{engine.name} exited with code {code}; starting it again")
            try:
                self.engines[n] = await asyncio.to_thread(engine.restart)
                if engine.name == "tansu":
                    await ensure_topics(kafka)
                say(f"{engine.name} restarted")
            except Exception as exc:  # noqa: BLE001 - keep supervising; try again next round
                say(f"{engine.name} did not start again: {exc}")

    async def _supervise(self, kafka: str) -> None:
        while not self.stopping.is_set():
            await self._supervise_engines(kafka)
            for child in self.children:
                proc = child.proc
                if proc is not None and proc.returncode is not None and not self.stopping.is_set():
                    child.restarts += 1
                    backoff = min(2 ** (child.restarts - 1), 30)
                    say(f"{child.name} exited with code {proc.returncode}; restarting in {backoff}s "
                        f"(restart #{child.restarts})")
                    child.proc = None
                    self._restarting.add(asyncio.create_task(self._restart(child, backoff)))
            await asyncio.sleep(0.5)

    async def _restart(self, child: Child, backoff: float) -> None:
        await asyncio.sleep(backoff)
        if not self.stopping.is_set():
            await child.start()
            say(f"{child.name} restarted")
