"""The one `Settings` object: read once from the environment (and `.env`) at start-up, then passed around.

Only the entry points call `Settings.from_env()`. A missing or malformed value raises `ConfigError`
naming the variable; the CLI prints that one line and exits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.extract import ExtractLimits

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
FALLBACK_MODEL = "claude-sonnet-5-5"


def default_model() -> str:
    """The newest Sonnet in the installed `anthropic` SDK's model list that is not marked deprecated.

    The SDK lists models newest first. Falls back to a fixed id if the SDK layout changes.
    """
    try:
        import typing

        from anthropic.resources.messages import messages as sdk_messages
        from anthropic.types.model import Model

        deprecated: dict[str, str] = getattr(sdk_messages, "DEPRECATED_MODELS", {})

        names = [a for arg in typing.get_args(Model) for a in typing.get_args(arg)]
        for name in names:
            if isinstance(name, str) and "sonnet" in name and name not in deprecated:
                return name
    except (ImportError, AttributeError):  # pragma: no cover - depends on SDK internals
        pass
    return FALLBACK_MODEL


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads. See `.env.example` and the README for what each one does."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    anthropic_model: str = FALLBACK_MODEL
    redis_url: str | None = None
    port: int = 3000
    allow_private_urls: bool = False
    worker_concurrency: int = 32
    job_lease_seconds: int = 30
    job_max_attempts: int = 5
    job_deadline_seconds: int = 600
    max_links_per_message: int = 3
    max_download_bytes: int = 25_000_000
    fetch_timeout_seconds: float = 20.0
    max_input_words: int = 150_000
    input_budget_tokens: int = 100_000
    data_dir: Path = Path(".summarizer")
    log_level: str = "INFO"
    shutdown_grace_seconds: int = 25
    ai_deadline_seconds: int = 300
    user_jobs_per_hour: int = 30
    channel_jobs_per_hour: int = 120
    daily_token_budget: int = 2_000_000
    auto_channels: frozenset[str] = frozenset()
    max_pages: int = 500
    max_rows: int = 1000
    max_unpacked_bytes: int = 50_000_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: the process environment). Raises ConfigError on bad values."""
        e = dict(os.environ if env is None else env)

        def text(name: str) -> str | None:
            value = e.get(name, "").strip()
            return value or None

        def integer(name: str, default: int, *, low: int, high: int) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
            if not low <= value <= high:
                raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
            return value

        def flag(name: str) -> bool:
            raw = (text(name) or "false").lower()
            if raw in {"1", "true", "yes", "on"}:
                return True
            if raw in {"0", "false", "no", "off"}:
                return False
            raise ConfigError(f"{name} must be true or false, got {raw!r}")

        def url(name: str, default: str | None) -> str | None:
            raw = text(name)
            if raw is None:
                return default
            parsed = urlparse(raw)
            if parsed.scheme not in {"http", "https", "redis", "rediss", "unix"} or not (
                parsed.netloc or parsed.path
            ):
                raise ConfigError(f"{name} must be a URL such as https://…, got {raw!r}")
            return raw

        bot_token = text("SLACK_BOT_TOKEN")
        if bot_token and not bot_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        app_token = text("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        api_url = url("SLACK_API_URL", DEFAULT_SLACK_API_URL) or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        redis_url = url("REDIS_URL", None)
        if redis_url and urlparse(redis_url).scheme not in {"redis", "rediss", "unix"}:
            raise ConfigError(f"REDIS_URL must start with redis://, rediss:// or unix://, got {redis_url!r}")
        level = (text("LOG_LEVEL") or "INFO").upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
        return cls(
            slack_bot_token=bot_token,
            slack_signing_secret=text("SLACK_SIGNING_SECRET"),
            slack_app_token=app_token,
            slack_api_url=api_url,
            anthropic_api_key=text("ANTHROPIC_API_KEY"),
            anthropic_base_url=url("ANTHROPIC_BASE_URL", None),
            anthropic_model=text("ANTHROPIC_MODEL") or default_model(),
            redis_url=redis_url,
            port=integer("PORT", 3000, low=1, high=65535),
            allow_private_urls=flag("SUMMARIZER_ALLOW_PRIVATE_URLS"),
            worker_concurrency=integer("SUMMARIZER_WORKER_CONCURRENCY", 32, low=1, high=1000),
            job_lease_seconds=integer("SUMMARIZER_JOB_LEASE_SECONDS", 30, low=2, high=3600),
            job_max_attempts=integer("SUMMARIZER_JOB_MAX_ATTEMPTS", 5, low=1, high=50),
            job_deadline_seconds=integer("SUMMARIZER_JOB_DEADLINE_SECONDS", 600, low=5, high=3600),
            max_links_per_message=integer("SUMMARIZER_MAX_LINKS", 3, low=1, high=20),
            max_download_bytes=integer(
                "SUMMARIZER_MAX_DOWNLOAD_BYTES", 25_000_000, low=1000, high=500_000_000
            ),
            fetch_timeout_seconds=float(integer("SUMMARIZER_FETCH_TIMEOUT", 20, low=1, high=300)),
            max_input_words=integer("SUMMARIZER_MAX_INPUT_WORDS", 150_000, low=100, high=2_000_000),
            input_budget_tokens=integer("SUMMARIZER_INPUT_BUDGET_TOKENS", 100_000, low=1000, high=2_000_000),
            data_dir=Path(text("SUMMARIZER_DATA_DIR") or ".summarizer"),
            log_level=level,
            shutdown_grace_seconds=integer("SUMMARIZER_SHUTDOWN_GRACE_SECONDS", 25, low=0, high=3600),
            ai_deadline_seconds=integer("SUMMARIZER_AI_DEADLINE_SECONDS", 300, low=5, high=3600),
            user_jobs_per_hour=integer("SUMMARIZER_USER_JOBS_PER_HOUR", 30, low=0, high=100_000),
            channel_jobs_per_hour=integer("SUMMARIZER_CHANNEL_JOBS_PER_HOUR", 120, low=0, high=1_000_000),
            daily_token_budget=integer("SUMMARIZER_DAILY_TOKEN_BUDGET", 2_000_000, low=0, high=10**12),
            auto_channels=frozenset(
                c.strip() for c in (text("SUMMARIZER_AUTO_CHANNELS") or "").split(",") if c.strip()
            ),
            max_pages=integer("SUMMARIZER_MAX_PAGES", 500, low=1, high=100_000),
            max_rows=integer("SUMMARIZER_MAX_ROWS", 1000, low=1, high=1_000_000),
            max_unpacked_bytes=integer(
                "SUMMARIZER_MAX_UNPACKED_BYTES", 50_000_000, low=100_000, high=2_000_000_000
            ),
        )

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the first of `names` (attribute names) that is unset."""
        for name in names:
            if not getattr(self, name):
                raise ConfigError(f"{name.upper()} is not set: add it to the environment or to .env")

    @property
    def extract_limits(self) -> ExtractLimits:
        """The document limits `bot.extract.extract()` takes as its `limits` argument."""
        from bot.extract import ExtractLimits  # local: settings must not pull in the parsers

        return ExtractLimits(
            max_pages=self.max_pages, max_rows=self.max_rows, max_unpacked_bytes=self.max_unpacked_bytes
        )

    @property
    def offline(self) -> bool:
        """True when there is no API key: summaries are extractive and the footer says "offline"."""
        return self.anthropic_api_key is None

    @property
    def slack_file_hosts(self) -> frozenset[str]:
        """Hosts (`host` or `host:port`) the bot token may be sent to when downloading files.

        Slack's file host always; the host of SLACK_API_URL too when it is not Slack's own, so that a
        local Slack stand-in can serve files. Compared with `netloc_of(url)`.
        """
        hosts = {"files.slack.com"}
        if self.slack_api_url != DEFAULT_SLACK_API_URL:
            hosts.add(netloc_of(self.slack_api_url))
        return frozenset(hosts)


def netloc_of(url: str) -> str:
    """`host` or `host:port` of `url`, lower-cased, without the scheme's default port."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    if parsed.port is None or parsed.port == default:
        return host
    return f"{host}:{parsed.port}"
