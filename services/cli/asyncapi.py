"""One AsyncAPI document for the whole system, generated from the services' brokers."""

import json

from faststream.specification import AsyncAPI


def render() -> str:
    from services.cli.commands import _build

    brokers = [_build(name)[0].broker for name in ("intake", "classifier", "dispatch")]
    spec = AsyncAPI(*brokers, title="callroute", version="1",
                    description="Non-police 110 calls: intake -> classifier -> dispatch.")
    return json.dumps(spec.to_specification().to_jsonable(), ensure_ascii=False, indent=2)
