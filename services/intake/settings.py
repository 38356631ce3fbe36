from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.kit.settings import EngineSettings


class IntakeSettings(EngineSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    http_host: str = Field("127.0.0.1", alias="INTAKE_HTTP_HOST", description="Intake HTTP bind address.")
    http_port: int = Field(8010, alias="INTAKE_HTTP_PORT", description="Intake HTTP port.")
    max_body_bytes: int = Field(64 * 1024, alias="INTAKE_MAX_BODY_BYTES", description="Largest HTTP body accepted.")
    group_id: str = Field("intake", alias="INTAKE_GROUP_ID", description="Consumer group for calls.incoming.")
