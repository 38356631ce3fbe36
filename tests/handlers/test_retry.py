"""A consumer whose dependency fails does not commit, waits, and takes the message again."""

from faststream.kafka import KafkaBroker, TestKafkaBroker

from services.kit import retry
from services.kit.retry import BackoffOnError, retry_delay_s


def test_retry_delay_grows_and_caps():
    assert [retry_delay_s(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert retry_delay_s(30) == 30.0


async def test_a_failing_handler_waits_and_fails_so_the_message_is_not_committed(monkeypatch):
    slept = []

    async def fake_sleep(s):
        slept.append(s)

    monkeypatch.setattr(retry.asyncio, "sleep", fake_sleep)
    broker = KafkaBroker(middlewares=[BackoffOnError])
    calls = []

    @broker.subscriber("t")
    async def handler(body: dict) -> None:
        calls.append(body)
        raise ConnectionError("redis away")

    async with TestKafkaBroker(broker) as br:
        for _ in range(2):
            try:
                await br.publish({"n": 1}, "t")
            except ConnectionError:
                pass
    assert len(calls) == 2 and slept and all(s > 0 for s in slept)
