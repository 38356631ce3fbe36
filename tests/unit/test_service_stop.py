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


async def test_a_background_job_that_ignores_its_cancellation_does_not_hang_the_service():
    stopped, deaf_until = [], asyncio.Event()

    async def deaf() -> None:  # as a loop does when a library swallows its CancelledError
        while not deaf_until.is_set():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    async def on_stop() -> None:
        stopped.append(True)

    service = Service(name="t", broker=StuckBroker(), on_stop=[on_stop], background=[deaf], stop_timeout_s=0.2)
    try:
        async with asyncio.timeout(5):
            async with service.running():
                await asyncio.sleep(0.05)
        assert stopped == [True]
    finally:  # let the deaf job end, so the test leaves no task behind
        deaf_until.set()
        for task in asyncio.all_tasks():
            if task.get_name() == "t-bg":
                task.cancel()
