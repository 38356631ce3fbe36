"""`callroute up` as a user runs it: one URL, `callroute call` prints a route, a killed service is
restarted and loses no call, Ctrl-C/SIGTERM stops everything it started."""

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "services.cli.main"]


class Up:
    def __init__(self, home) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL")}
        env["CALLROUTE_HOME"] = str(home)
        self.env = env
        self.proc = subprocess.Popen([*CLI, "up", "--no-sim"], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(lambda line: line.startswith("http://127.0.0.1:"), 60)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, match, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match(line):
                    return line
            time.sleep(0.1)
        raise AssertionError(f"not seen in {timeout_s}s; output so far:\n" + "\n".join(self.lines))

    def child_pid(self, pattern: str) -> int:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid), "-f", pattern], capture_output=True,
                             text=True).stdout.split()
        assert out, f"no child matching {pattern}"
        return int(out[0])


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    running = Up(tmp_path_factory.mktemp("home"))
    yield running
    if running.proc.poll() is None:
        # SIGTERM, as a user stops it: `up` stops every process it started (they run in their own
        # process groups, so killing `up`'s group alone would leave them running).
        running.proc.send_signal(signal.SIGTERM)
        try:
            running.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(running.proc.pid, signal.SIGKILL)


def routed(url: str, call_id: str) -> list[dict]:
    resp = httpx.get(f"{url}/api/v1/calls/{call_id}", timeout=5)
    return resp.json()["handoffs"] if resp.status_code == 200 else []


def test_call_command_prints_the_route(up):
    result = subprocess.run([*CLI, "call", "有个老大爷在小区门口晕倒了，叫不醒", "--address", "西罗园一区北门",
                             "--url", up.url], env=up.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "call_type: medical" in result.stdout and "ems_120" in result.stdout
    assert "ems-beijing-120" in result.stdout


def test_a_killed_service_is_restarted_and_loses_no_call(up):
    os.kill(up.child_pid("run classifier"), signal.SIGKILL)
    call_ids = []
    for text in ("楼上漏水，天花板一直滴水", "楼下装修半夜还在砸墙", "小区路灯坏了好几天了"):
        resp = httpx.post(f"{up.url}/api/v1/calls", json={"text": text}, timeout=10)
        assert resp.status_code == 202
        call_ids.append(resp.json()["call_id"])
    up.wait_for(lambda line: "classifier exited" in line and "restarting" in line, 10)
    up.wait_for(lambda line: "classifier restarted" in line, 20)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(routed(up.url, c) for c in call_ids):
        time.sleep(0.5)
    assert all(routed(up.url, c) for c in call_ids)


def test_a_killed_valkey_comes_back_with_its_state(up):
    before = httpx.post(f"{up.url}/api/v1/calls", json={"text": "楼道灯坏了，黑漆漆的"}, timeout=10).json()["call_id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not routed(up.url, before):
        time.sleep(0.3)
    time.sleep(1.5)  # the append-only log is flushed every second
    os.kill(up.child_pid("valkey-server"), signal.SIGKILL)
    up.wait_for(lambda line: "valkey restarted" in line, 20)
    deadline = time.monotonic() + 60
    after = None
    while time.monotonic() < deadline:
        try:
            resp = httpx.post(f"{up.url}/api/v1/calls", json={"text": "小区门口路灯不亮"}, timeout=10)
            after = resp.json()["call_id"] if resp.status_code == 202 else None
        except httpx.HTTPError:
            pass
        if after:
            break
        time.sleep(1)
    assert after, "no call accepted after Valkey came back"
    # A message that failed while Valkey was away is retried with a growing backoff (kit/retry.py,
    # up to 30 s between tries), so on a busy machine routing can take a while: it must come, not
    # come fast.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not routed(up.url, after):
        time.sleep(0.5)
    assert routed(up.url, before) and routed(up.url, after)


def test_sigterm_stops_everything_it_started(up):
    children = subprocess.run(["pgrep", "-P", str(up.proc.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) >= 4
    up.proc.send_signal(signal.SIGTERM)
    assert up.proc.wait(60) == 0
    time.sleep(0.5)
    alive = [pid for pid in children if os.path.exists(f"/proc/{pid}") and
             "zombie" not in open(f"/proc/{pid}/status").read().lower()]
    assert alive == []
    assert any("stopped tansu" in line for line in up.lines)
