"""Intake service factory: the calls.incoming consumer and the HTTP edge, on one broker."""

from services.intake.http import build_http
from services.intake.router import build_router
from services.intake.settings import IntakeSettings
from services.kit.service import Service
from services.kit.stream import make_broker


def create_service(settings: IntakeSettings) -> Service:
    broker = make_broker(settings, "intake")
    broker.include_router(build_router(settings))
    return Service(name="intake", broker=broker, http=build_http(settings, broker))
