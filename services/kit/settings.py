"""Settings every service shares. Each service has one pydantic-settings class built on this."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


DEFAULT_PUBLISH_TIMEOUT_S = 10.0


class EngineSettings(BaseSettings):
    """Where the stream and the state live, and how the Kafka clients behave.

    Read from the environment when the settings object is built (never at import time).
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers.")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis (or Valkey) URL for state.")
    # Tansu does not cut a waiting fetch short when data arrives: latency ~ U(0, fetch_max_wait_ms).
    fetch_max_wait_ms: int = Field(10, ge=1, le=5000, description="Kafka consumer fetch wait (ms).")
    session_timeout_ms: int = Field(6000, ge=1000, description="Kafka consumer-group session timeout (ms).")
    heartbeat_interval_ms: int = Field(1000, ge=100, description="Kafka consumer-group heartbeat (ms).")
    publish_timeout_s: float = Field(DEFAULT_PUBLISH_TIMEOUT_S, gt=0, le=120, description="Longest wait for the broker to confirm "
                                     "a publish; past it the work fails and is retried, or its event is deferred.")
    dedupe_ttl_s: int = Field(7 * 24 * 3600, ge=60, description="How long processed event ids are remembered.")
    log_level: str = Field("INFO", description="Log level.")
    log_json: bool | None = Field(None, description="Force JSON logs (default: JSON unless on a terminal).")
