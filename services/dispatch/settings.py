from pydantic import Field
from pydantic_settings import SettingsConfigDict

from schemas.policy import DEFAULT_ROUTING_FILE
from services.kit.settings import EngineSettings


class DispatchSettings(EngineSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    http_host: str = Field("127.0.0.1", alias="DISPATCH_HTTP_HOST", description="Dispatch HTTP bind address.")
    http_port: int = Field(8020, alias="DISPATCH_HTTP_PORT", description="Dispatch HTTP port (partner API, timelines).")
    group_id: str = Field("dispatch", alias="DISPATCH_GROUP_ID", description="Consumer group for routing.")
    timeline_group_id: str = Field("dispatch-timeline", alias="DISPATCH_TIMELINE_GROUP_ID",
                                   description="Consumer group of the timeline projection.")
    routing_file: str = Field(str(DEFAULT_ROUTING_FILE), alias="ROUTING_POLICY_FILE", description="Routing policy YAML.")
