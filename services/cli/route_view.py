"""Reading a call's route back from the API and printing it for a person."""

import time

import httpx


def wait_for_route(url: str, call_id: str, timeout_s: float, settle_s: float = 0.3) -> dict | None:
    """Poll the call's timeline until its handoffs appear and stop changing."""
    deadline = time.monotonic() + timeout_s
    last: dict | None = None
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            resp = client.get(f"{url}/api/v1/calls/{call_id}")
            if resp.status_code == 200:
                view = resp.json()
                if view.get("merged_into") and not view.get("handoffs"):
                    incident = client.get(f"{url}/api/v1/calls/{view['merged_into']}").json()
                    return view | {"handoffs": incident.get("handoffs", [])}
                if view.get("handoffs"):
                    if last is not None and len(last["handoffs"]) == len(view["handoffs"]):
                        return view
                    last = view
                    time.sleep(settle_s)
                    continue
            time.sleep(0.1)
    return last


def format_route(view: dict) -> str:
    c = view.get("classification") or {}
    flags = [k for k, v in (c.get("flags") or {}).items() if v]
    lines = [
        f"call_type: {c.get('call_type')}  confidence: {c.get('confidence', 0):.2f}"
        + ("  REVIEW" if c.get("review") else ""),
        f"flags:     {', '.join(flags) or '-'}",
        f"agencies:  {', '.join(sorted({h['agency'] for h in view['handoffs']}))}",
        "partners:",
    ]
    if view.get("merged_into"):
        lines.insert(0, f"joined incident {view['merged_into']} (same building and call type): its partners were told")
    for h in view["handoffs"]:
        lines.append(f"  {h['agency']:<20} -> {h['partner_id']}  [{h['status']}]")
    if c.get("reasons"):
        lines.append(f"reasons:   {'; '.join(c['reasons'][:6])}")
    return "\n".join(lines)
