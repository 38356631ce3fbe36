"""A real HTTP partner receiver on loopback: records every webhook, answers as scripted."""

import socket
import threading
import time
from collections import defaultdict

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.script: dict[str, list[int]] = defaultdict(list)  # path -> statuses to answer, then 200
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = Starlette(routes=[Route("/{path:path}", self._hook, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                     lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        status = self.script[path].pop(0) if self.script[path] else 200
        self.requests.append({"path": path, "headers": dict(request.headers), "body": body, "status": status})
        return Response(status_code=status)

    def to(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    def start(self) -> "Receiver":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
