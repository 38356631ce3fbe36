"""A service always finishes stopping, even when its broker never answers the goodbye."""

import asyncio

from services.kit.service import Service


class StuckBroker:
    def __init__(self) -> None:
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        await asyncio.Event().wait()  # a group leave the broker never acknowledges


async def test_a_broker_that_never_stops_does_not_hang_the_service():
    stopped = []

    async def on_stop() -> None:
        stopped.append(True)

    service = Service(name="t", broker=StuckBroker(), on_stop=[on_stop], stop_timeout_s=0.2)
    async with asyncio.timeout(5):
        async with service.running():
            assert service.broker.started
    assert stopped == [True]  # the other stop hooks (closing Redis) still run
