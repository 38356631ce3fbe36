"""Partner credentials: API keys stored only as SHA-256 hashes; webhook signing secrets.

Dispatch reads `partner-credentials.json`:
    {"partners": {"<partner_id>": {"api_key_sha256": "<hex>", "webhook_secret": "<secret>"}}}
`callroute up` makes one for the demo partners, and gives the plain keys to people in
`partner-keys.json` (git-ignored), never to dispatch.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


@dataclass
class Credentials:
    by_hash: dict[str, str] = field(default_factory=dict)  # sha256(api key) -> partner id
    secrets: dict[str, str] = field(default_factory=dict)  # partner id -> webhook secret

    def partner_for_key(self, api_key: str) -> str | None:
        digest = key_hash(api_key)
        for known, partner_id in self.by_hash.items():
            if hmac.compare_digest(known, digest):
                return partner_id
        return None

    def webhook_secret(self, partner_id: str) -> str | None:
        return self.secrets.get(partner_id)


def load_credentials(path: Path | str | None) -> Credentials:
    if not path or not Path(path).exists():
        return Credentials()
    data = json.loads(Path(path).read_text(encoding="utf-8"))["partners"]
    return Credentials(
        by_hash={entry["api_key_sha256"]: pid for pid, entry in data.items() if entry.get("api_key_sha256")},
        secrets={pid: entry["webhook_secret"] for pid, entry in data.items() if entry.get("webhook_secret")},
    )


def issue_demo_credentials(partners: list, home: Path, api_url: str, simulator_port: int | None) -> Path:
    """Fresh keys for every partner: plain ones for people/simulator, hashed ones for dispatch."""
    plain, stored = {}, {}
    for p in partners:
        api_key, secret = f"crk_{secrets.token_urlsafe(24)}", secrets.token_urlsafe(32)
        plain[p.id] = {"api_key": api_key, "webhook_secret": secret, "agency": p.agency.value,
                       "delivery": p.delivery, "webhook_path": p.webhook_path, "name": p.name}
        stored[p.id] = {"api_key_sha256": key_hash(api_key), "webhook_secret": secret}
    home.mkdir(parents=True, exist_ok=True)
    keys = home / "partner-keys.json"
    keys.write_text(json.dumps({"api_url": api_url, "simulator_port": simulator_port, "partners": plain},
                               ensure_ascii=False, indent=2), encoding="utf-8")
    keys.chmod(0o600)
    creds = home / "partner-credentials.json"
    creds.write_text(json.dumps({"partners": stored}, indent=2), encoding="utf-8")
    creds.chmod(0o600)
    return creds
