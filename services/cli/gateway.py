"""The one URL of `callroute up`: forwards each path to the service that owns it.

In production an ingress does the same with the table below (see deploy/gateway.nginx.conf).
"""

import httpx
from fastapi import FastAPI, Request, Response
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# (method or "*", path, upstream name); a path ending in "/" is a prefix, any other must match
# whole (as nginx's `location =`: POST /api/v1/calls/{id}/handoffs is dispatch's); first match wins.
ROUTES: list[tuple[str, str, str]] = [
    ("POST", "/api/v1/calls", "intake"),
    ("*", "/api/", "dispatch"),
    ("*", "/partner/", "dispatch"),
    ("*", "/console", "dispatch"),
    ("*", "/", "dispatch"),
]


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    gateway_host: str = Field("127.0.0.1", alias="GATEWAY_HOST")
    gateway_port: int = Field(8000, alias="GATEWAY_PORT")
    intake_url: str = Field("http://127.0.0.1:8010", alias="INTAKE_URL")
    dispatch_url: str = Field("http://127.0.0.1:8020", alias="DISPATCH_URL")


def upstream_for(method: str, path: str) -> str:
    for want, route, name in ROUTES:
        if (want == "*" or want == method) and (path.startswith(route) if route.endswith("/") else
                                                path.rstrip("/") == route):
            return name
    return "dispatch"


def build_gateway(settings: GatewaySettings) -> FastAPI:
    app = FastAPI(title="callroute gateway", docs_url=None, redoc_url=None, openapi_url=None)
    upstreams = {"intake": settings.intake_url, "dispatch": settings.dispatch_url}
    client = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0))

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def forward(path: str, request: Request) -> Response:
        name = upstream_for(request.method, "/" + path)
        url = upstreams[name] + "/" + path
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        try:
            upstream = await client.request(
                request.method, url, params=request.query_params, content=await request.body(), headers=headers
            )
        except httpx.TransportError as exc:
            return Response(
                content=f'{{"error":"upstream_unavailable","reason":"{name} is not answering ({type(exc).__name__})"}}',
                status_code=503, media_type="application/json",
            )
        drop = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        return Response(
            content=upstream.content, status_code=upstream.status_code,
            headers={k: v for k, v in upstream.headers.items() if k.lower() not in drop},
        )

    return app
