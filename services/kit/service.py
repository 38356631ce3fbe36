"""How a service process runs: one FastStream broker, optionally an HTTP app, graceful shutdown."""

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import structlog
import uvicorn
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

log = structlog.get_logger()

Hook = Callable[[], Awaitable[None]]


@dataclass
class Service:
    """A built service: its broker (subscribers attached), optional HTTP app, start/stop hooks."""

    name: str
    broker: KafkaBroker
    http: FastAPI | None = None
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)
    background: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    stop_timeout_s: float = 15.0

    def asyncapi(self) -> AsyncAPI:
        return AsyncAPI(self.broker, title=f"callroute {self.name}", version="1")

    @asynccontextmanager
    async def running(self) -> AsyncIterator["Service"]:
        for hook in self.on_start:
            await hook()
        await self.broker.start()
        tasks = [asyncio.create_task(job(), name=f"{self.name}-bg") for job in self.background]
        log.info("service.started")
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            if tasks:
                # A job whose cancellation a library swallowed must not keep the process alive.
                _, alive = await asyncio.wait(tasks, timeout=self.stop_timeout_s)
                if alive:
                    log.warning("service.background_stop_timeout", service=self.name, tasks=len(alive),
                                after_s=self.stop_timeout_s)
            try:
                # A consumer leaving its group can wait forever on a broker that never answers;
                # offsets are committed only after the work, so giving up here loses nothing.
                await asyncio.wait_for(self.broker.stop(), self.stop_timeout_s)
            except TimeoutError:
                log.warning("service.stop_timeout", service=self.name, after_s=self.stop_timeout_s)
            for hook in self.on_stop:
                await hook()
            log.info("service.stopped")


def serve(service: Service, host: str | None = None, port: int | None = None) -> None:
    """Run until SIGINT/SIGTERM; on either, stop consuming, finish the message in hand, close cleanly."""
    if service.http is not None and port is not None:
        @asynccontextmanager
        async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
            async with service.running():
                yield

        service.http.router.lifespan_context = lifespan
        uvicorn.run(service.http, host=host or "127.0.0.1", port=port, log_level="warning", access_log=False)
        return

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with service.running():
            await stop.wait()

    asyncio.run(main())
