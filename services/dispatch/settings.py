from pydantic import Field
from pydantic_settings import SettingsConfigDict

from schemas.policy import DEFAULT_ROUTING_FILE
from services.dispatch.directory import DEFAULT_PARTNERS_FILE
from services.dispatch.rules import DEFAULT_DISPATCH_FILE
from services.kit.settings import EngineSettings


class DispatchSettings(EngineSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    http_host: str = Field("127.0.0.1", alias="DISPATCH_HTTP_HOST", description="Dispatch HTTP bind address.")
    http_port: int = Field(8020, alias="DISPATCH_HTTP_PORT", description="Dispatch HTTP port (partner API, timelines).")
    group_id: str = Field("dispatch", alias="DISPATCH_GROUP_ID", description="Consumer group for routing.")
    timeline_group_id: str = Field("dispatch-timeline", alias="DISPATCH_TIMELINE_GROUP_ID",
                                   description="Consumer group of the timeline projection.")
    routing_file: str = Field(str(DEFAULT_ROUTING_FILE), alias="ROUTING_POLICY_FILE", description="Routing policy YAML.")
    rules_file: str = Field(str(DEFAULT_DISPATCH_FILE), alias="DISPATCH_RULES_FILE",
                            description="Deadlines, retries, merging (YAML).")
    partners_file: str = Field(str(DEFAULT_PARTNERS_FILE), alias="PARTNERS_FILE", description="Partner directory YAML.")
    credentials_file: str | None = Field(None, alias="PARTNER_CREDENTIALS_FILE",
                                         description="Partner API key hashes and webhook secrets (JSON).")
    webhook_base_url: str | None = Field(None, alias="PARTNER_WEBHOOK_BASE_URL",
                                         description="Base URL that partners' webhook paths hang off.")
    deadline_scale: float = Field(1.0, gt=0, alias="DEADLINE_SCALE",
                                  description="Multiplies every deadline (0.01 = a hundred times faster).")
    timer_poll_ms: int = Field(200, ge=10, alias="TIMER_POLL_MS", description="How often due timers are claimed.")
