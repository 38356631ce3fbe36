from pydantic import Field
from pydantic_settings import SettingsConfigDict

from schemas.policy import DEFAULT_ROUTING_FILE
from services.kit.settings import EngineSettings


class ClassifierSettings(EngineSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    group_id: str = Field("classifier", alias="CLASSIFIER_GROUP_ID", description="Consumer group.")
    routing_file: str = Field(str(DEFAULT_ROUTING_FILE), alias="ROUTING_POLICY_FILE", description="Routing policy YAML.")
