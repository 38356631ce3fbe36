"""The one URL of `callroute up`: which service answers which path (as deploy/gateway.nginx.conf)."""

import pytest

from services.cli.gateway import upstream_for


@pytest.mark.parametrize(("method", "path", "upstream"), [
    ("POST", "/api/v1/calls", "intake"),
    ("POST", "/api/v1/calls/", "intake"),
    ("GET", "/api/v1/calls/abc", "dispatch"),
    ("POST", "/api/v1/calls/abc/handoffs", "dispatch"),  # a dispatcher sends the call on: not a new call
    ("POST", "/api/v1/callbacks/abc", "dispatch"),
    ("POST", "/api/v1/handoffs/h1/status", "dispatch"),
    ("GET", "/partner/v1/handoffs", "dispatch"),
    ("GET", "/console", "dispatch"),
])
def test_each_path_goes_to_its_service(method, path, upstream):
    assert upstream_for(method, path) == upstream
