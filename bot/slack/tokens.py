"""Whose token a worker's Slack call carries: the job's workspace's.

Each job runs in its own asyncio task, and a task copies the context it starts in, so a
`ContextVar` set at the start of a job holds that job's token for every call the job makes, however
many jobs of other workspaces run beside it. `TeamClient` (the worker's one AsyncWebClient) and the
file downloads read it; unset (single-workspace mode) they use SLACK_BOT_TOKEN as before.

`TeamTokens` finds a workspace's bot token in the installation store (its bots, as the web process's
authorization reads them), refreshes a rotating token that is
about to expire (and stores the new one) before it is used, and keeps what it found for a minute.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import RetryLater
from bot.settings import Settings
from bot.slack.failures import classify
from bot.slack.installs import ROTATE_MINUTES, Installs, oauth_enabled, open_installs

log = logging.getLogger(__name__)
CACHE_SECONDS = 60.0
_team_token: ContextVar[str | None] = ContextVar("summarizer_team_token", default=None)


def current_token(default: str | None) -> str | None:
    """The token of the job running in this task, else `default` (SLACK_BOT_TOKEN)."""
    return _team_token.get() or default


class TeamClient(AsyncWebClient):
    """An AsyncWebClient whose token is the current job's workspace's (`current_token`), falling back
    to the token it was built with."""

    _own_token: str | None = None

    @property
    def token(self) -> str | None:
        return current_token(self._own_token)

    @token.setter
    def token(self, value: str | None) -> None:
        self._own_token = value


class RotationClient(AsyncWebClient):
    """The client token rotation calls `oauth.v2.access` with: HTTP Basic authentication with the app's
    credentials, built here (slack_sdk's own path goes through aiohttp's deprecated `BasicAuth`)."""

    async def oauth_v2_access(
        self,
        *,
        client_id: str,
        client_secret: str,
        grant_type: str | None = None,
        refresh_token: str | None = None,
        **kwargs: Any,
    ) -> AsyncSlackResponse:
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        data = {**kwargs, "grant_type": grant_type, "refresh_token": refresh_token}
        return await self.api_call(
            "oauth.v2.access",
            data={k: v for k, v in data.items() if v is not None},
            headers={"Authorization": f"Basic {basic}"},
        )


@dataclass
class _Found:
    token: str
    until: float  # time.time() after which it is looked up again


def find_workspace_bot(store: SQLAlchemyInstallationStore, team: str) -> Bot | None:
    """The latest bot installed on the workspace `team` with a token, whether or not the workspace
    belongs to an Enterprise Grid org. slack_sdk's `find_bot` matches the org's id too, which a job does
    not carry; a workspace's id is unique across Slack, so it is enough. (Org-wide installs, stored
    without a workspace, are off in the manifest.)"""
    bots = store.bots.c
    query = (
        store.bots.select()
        .where(bots.client_id == store.client_id, bots.team_id == team, bots.bot_token.is_not(None))
        .order_by(bots.installed_at.desc())
        .limit(1)
    )
    with store.engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    return store.build_bot_entity(row) if row is not None else None


class TeamTokens:
    """Bot tokens per workspace from the installation store, refreshed before they expire, cached
    for `cache_seconds` (at most until the token is due for refreshing)."""

    def __init__(
        self,
        store: SQLAlchemyInstallationStore,
        rotator: AsyncTokenRotator,
        *,
        cache_seconds: float = CACHE_SECONDS,
        rotate_minutes: int = ROTATE_MINUTES,
        installs: Installs | None = None,
    ) -> None:
        self.store = store
        self.installs = installs
        self.rotator = rotator
        self.cache_seconds = cache_seconds
        self.rotate_minutes = rotate_minutes
        self._found: dict[str, _Found] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def use(self, team: str) -> bool:
        """Make `team`'s token the one this task's Slack calls and downloads carry. False when the
        workspace has no installation (never installed, uninstalled, or its token was revoked)."""
        token = await self.token(team)
        if token is None:
            return False
        _team_token.set(token)
        return True

    async def token(self, team: str) -> str | None:
        """`team`'s bot token (refreshed first when it is about to expire), or None."""
        found = self._found.get(team)
        if found is not None and time.time() < found.until:
            return found.token
        async with self._locks.setdefault(team, asyncio.Lock()):
            found = self._found.get(team)
            if found is not None and time.time() < found.until:
                return found.token
            self._found.pop(team, None)
            bot = await self._find(team)
            if bot is None or not bot.bot_token:
                return None
            bot = await self._refreshed(bot)
            token = str(bot.bot_token)
            until = time.time() + self.cache_seconds
            if bot.bot_token_expires_at is not None:
                until = min(until, bot.bot_token_expires_at - self.rotate_minutes * 60)
            self._found[team] = _Found(token, until)
            return token

    @classmethod
    def open(cls, settings: Settings) -> TeamTokens | None:
        """The worker's tokens with OAuth installs on (refreshing through SLACK_API_URL); None with one
        SLACK_BOT_TOKEN."""
        if not oauth_enabled(settings):
            return None
        installs = open_installs(settings)
        rotator = AsyncTokenRotator(
            client_id=settings.slack_client_id or "",
            client_secret=settings.slack_client_secret or "",
            client=RotationClient(base_url=settings.slack_api_url, timeout=30),
        )
        return cls(installs.installations, rotator, installs=installs)

    def close(self) -> None:
        """Close the installations database's connections."""
        if self.installs is not None:
            self.installs.close()

    def forget(self, team: str) -> None:
        """Drop what is cached for `team` (its token was refused)."""
        self._found.pop(team, None)

    async def _find(self, team: str) -> Bot | None:
        try:
            return await asyncio.to_thread(find_workspace_bot, self.store, team)
        except SQLAlchemyError as exc:
            raise RetryLater(f"installation store: {type(exc).__name__}") from None

    async def _refreshed(self, bot: Bot) -> Bot:
        """The bot with a fresh token when its token expires within `rotate_minutes` (stored before it
        is used); else as it was."""
        if bot.bot_refresh_token is None:
            return bot
        try:
            rotated = await self.rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.rotate_minutes
            )
        except SlackTokenRotationError as exc:
            response = exc.api_error.response
            if classify(status=response.status_code, error=response.get("error")) == "transient":
                raise RetryLater("token rotation: Slack is busy") from None
            log.warning("workspace %s: refreshing its token failed (%s)", bot.team_id, response.get("error"))
            return bot  # Slack refuses calls with it if it really expired
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryLater(f"token rotation: {type(exc).__name__}") from None
        if rotated is None:
            return bot
        try:
            await asyncio.to_thread(self.store.save_bot, rotated)
        except SQLAlchemyError as exc:
            raise RetryLater(f"installation store: {type(exc).__name__}") from None
        log.info("workspace %s: bot token refreshed", bot.team_id)
        return rotated
