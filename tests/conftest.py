"""Shared fixtures. The embedded engines are real processes (Tansu, Valkey), started once per session."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.policy import RoutingPolicy, load_policy


@pytest.fixture(scope="session")
def policy() -> RoutingPolicy:
    return load_policy()


@pytest.fixture(scope="session")
def engine():
    """The shipped classifier engine (model file and lexicon in the repository), loaded once."""
    from services.classifier.engine import load_engine
    return load_engine()


@pytest.fixture(scope="session")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Tansu + Valkey on free loopback ports (or KAFKA_BOOTSTRAP_SERVERS / REDIS_URL if set), topics created."""
    import asyncio

    from services.cli.engines import start_tansu, start_valkey
    from services.kit.stream import ensure_topics

    started = []
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    redis = os.environ.get("REDIS_URL")
    if not kafka:
        broker = start_tansu(log_file=Path(tmp_path_factory.mktemp("tansu")) / "tansu.log")
        started.append(broker)
        kafka = broker.url
    if not redis:
        valkey = start_valkey(Path(tmp_path_factory.mktemp("valkey")))
        started.append(valkey)
        redis = valkey.url
    asyncio.run(ensure_topics(kafka))
    yield {"KAFKA_BOOTSTRAP_SERVERS": kafka, "REDIS_URL": redis}
    for engine in reversed(started):
        engine.stop()
