"""Personal data never reaches a log line; call_id and service are on every line of a call's work."""

import json

import pytest
import structlog

from services.kit.logging import configure_logging


@pytest.fixture(autouse=True)
def _reset_structlog():
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def test_phone_numbers_are_masked_and_context_is_bound(capsys):
    configure_logging("intake", json=True)
    log = structlog.get_logger()
    with structlog.contextvars.bound_contextvars(call_id="3f2c9d1e-1380-4138-9123-13812345678a"):
        log.info("call.accepted", caller_phone="13812345678", text="我电话是139 1234 5678，座机010-87654321",
                 nested={"phone": "+86 13712345678", "caller_name": "王小明"})
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["caller_phone"] == "138****5678"
    assert "1234 5678" not in line["text"] and "139****5678" in line["text"] and "87654321" not in line["text"]
    assert line["nested"]["phone"].endswith("****3456") is False and "12345678" not in line["nested"]["phone"]
    assert line["nested"]["caller_name"] == "***"
    assert line["call_id"] == "3f2c9d1e-1380-4138-9123-13812345678a"  # ids are not phone numbers
    assert line["service"] == "intake"
