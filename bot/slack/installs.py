"""OAuth installs for many workspaces: where installations live (a SQLAlchemy database), what the app
asks for, and the helpers both processes use.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set, each workspace that installs the app through
`/slack/install` gets its own bot token, stored by slack_sdk's SQLAlchemy installation store in
DATABASE_URL (unset: a SQLite file in SUMMARIZER_DATA_DIR); the OAuth `state` values live beside them.
The web process authorizes each request from the store; the worker looks up each job's workspace
(`bot.slack.tokens`). An uninstalled workspace has no installation, so nothing is posted there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:  # SQLAlchemy and the stores are imported only when OAuth installs are on
    from slack_sdk import WebClient
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
SQLITE_FILE = "installations.sqlite3"
STATE_SECONDS = 600  # an install started in the browser must finish within this
ROTATE_MINUTES = 120  # a rotating token is refreshed when it has less than this left (Bolt's default)
# The bot scopes of `manifest.yml` (`oauth_config.scopes.bot`), in its order; tests/slack/test_installs.py
# fails when the two drift apart, so an install asks for exactly what the manifest declares.
BOT_SCOPES = (
    "app_mentions:read",
    "commands",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "chat:write",
    "im:write",
    "reactions:read",
    "reactions:write",
    "files:read",
    "users:read",
    "canvases:write",
)


def oauth_enabled(settings: Settings) -> bool:
    """True when both OAuth credentials are set: installs per workspace instead of SLACK_BOT_TOKEN."""
    return bool(settings.slack_client_id and settings.slack_client_secret)


def database_url(settings: Settings) -> str:
    """DATABASE_URL as SQLAlchemy takes it: `postgres://` and `postgresql://` (as platforms hand them
    out) use psycopg 3; unset, a SQLite file in the data directory (created if need be)."""
    url = settings.database_url
    if not url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{settings.data_dir.resolve() / SQLITE_FILE}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


@dataclass(frozen=True)
class Installs:
    """The installation store and the OAuth state store, sharing one engine (`close()` disposes it)."""

    engine: Engine
    installations: SQLAlchemyInstallationStore
    states: SQLAlchemyOAuthStateStore

    def close(self) -> None:
        """Close the engine's pooled connections."""
        self.engine.dispose()


def open_installs(settings: Settings) -> Installs:
    """Connect to the installations database and create its tables where missing."""
    import sqlalchemy
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    settings.require("slack_client_id")
    engine = sqlalchemy.create_engine(database_url(settings), pool_pre_ping=True)
    installations = SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id or "", engine=engine, logger=log
    )
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=log)
    for store in (installations, states):
        _create_tables(store)
    log.info("OAuth installs on: installations in %s", engine.url.render_as_string(hide_password=True))
    return Installs(engine=engine, installations=installations, states=states)


def _create_tables(store: SQLAlchemyInstallationStore | SQLAlchemyOAuthStateStore) -> None:
    """`create_tables`, tolerating another process creating them at the same moment."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        store.create_tables()  # type: ignore[no-untyped-call]
    except SQLAlchemyError:
        store.create_tables()  # type: ignore[no-untyped-call]  # the second look sees them and skips


def oauth_options(settings: Settings, installs: Installs, client: WebClient) -> dict[str, Any]:
    """Bolt `App` keyword arguments for OAuth installs: the install and redirect endpoints (with the
    manifest's scopes and the state kept in the database), and authorization of every request from the
    installation store, refreshing a rotating token before it is used (through `client`, so that
    SLACK_API_URL applies to the refresh too)."""
    from slack_bolt.authorization.authorize import InstallationStoreAuthorize
    from slack_bolt.oauth.oauth_settings import OAuthSettings

    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installs.installations,
        installation_store_bot_only=True,  # the app has no user token: a workspace is its bot
        state_store=installs.states,
        state_expiration_seconds=STATE_SECONDS,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        logger=log,
    )
    authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=installs.installations,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=ROTATE_MINUTES,
        bot_only=True,
        cache_enabled=True,  # one auth.test per token, not per event
        client=client,
    )
    return {
        "oauth_settings": oauth,
        "authorize": authorize,
        "installation_store": installs.installations,
        "installation_store_bot_only": True,
    }
