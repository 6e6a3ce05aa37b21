"""OAuth for the fake Web API: more workspaces than the default one, each with its own bot token.

`oauth.v2.access` exchanges a code (from `add_workspace`) for a workspace's bot token, and with
`rotation` on, a refresh token for a new one (`grant_type=refresh_token`); the client authenticates
with HTTP Basic (client id and secret), as slack_sdk sends them. Response shapes follow Slack's
`oauth.v2.access` reference and bolt-python's mock server (PROTOCOL.md §5). `auth.test` answers for
whichever token called it; an expired token gets `token_expired`, a revoked one `token_revoked`, an
unknown one `invalid_auth`. Mixed into `FakeSlack`, whose lock is held when these run.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Workspace:
    """A workspace that can install the app, and its current bot token."""

    team_id: str
    name: str
    bot_user_id: str
    bot_id: str
    enterprise_id: str | None = None  # the Enterprise Grid org the workspace belongs to
    token: str | None = None
    refresh_token: str | None = None


class OAuthMethods:
    """Workspaces, codes and tokens; `FakeSlack` provides the lock, the app id and the scopes."""

    app_id: str
    scopes: str
    bot_token: str
    app_token: str
    _lock: threading.RLock

    def _init_oauth(self, *, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.rotation = False  # issue expiring tokens with refresh tokens (the app's token rotation)
        self.token_lifetime = 43_200  # seconds, as Slack's rotating tokens (12 hours)
        self._workspaces: dict[str, Workspace] = {}
        self._issued: dict[str, tuple[str, float | None]] = {}  # token → (team, expires at)
        self._revoked: set[str] = set()
        self._codes: dict[str, str] = {}  # code → team, used once
        self._refreshes: dict[str, str] = {}  # refresh token → team
        self._oauth_seq = itertools.count(1)
        self._caller = ""  # the token of the call being answered

    # ----- test-facing helpers -----

    def add_workspace(
        self,
        team_id: str,
        *,
        name: str = "",
        bot_user_id: str = "",
        bot_id: str = "",
        token: str = "",
        enterprise_id: str = "",
    ) -> str:
        """A workspace that may install the app (`enterprise_id`: it belongs to that Enterprise Grid
        org, and installs the app on itself, not org-wide); returns a fresh authorization code for it
        (what Slack appends to the redirect URL once someone there clicks Allow). `token`: its next bot
        token."""
        with self._lock:
            space = self._workspaces.get(team_id) or Workspace(
                team_id=team_id,
                name=name or f"Workspace {team_id}",
                bot_user_id=bot_user_id or f"U0BOT{team_id}",
                bot_id=bot_id or f"B0BOT{team_id}",
                enterprise_id=enterprise_id or None,
            )
            space.token = token or space.token
            self._workspaces[team_id] = space
            code = f"code-{team_id}-{next(self._oauth_seq)}"
            self._codes[code] = team_id
            return code

    def token_of(self, team_id: str) -> str | None:
        """The bot token last issued to the workspace (None before it installed)."""
        with self._lock:
            return self._workspaces[team_id].token if team_id in self._workspaces else None

    def revoke(self, team_id: str) -> None:
        """Revoke every token of the workspace, as Slack does when it uninstalls the app."""
        with self._lock:
            self._revoked |= {t for t, (team, _) in self._issued.items() if team == team_id}
            self._refreshes = {r: t for r, t in self._refreshes.items() if t != team_id}

    # ----- wiring for FakeSlack._api -----

    def _workspace_of(self, token: str) -> str | None:
        """The workspace whose live token this is, or None."""
        issued = self._issued.get(token)
        if issued is None or token in self._revoked:
            return None
        team, expires = issued
        return team if expires is None or time.time() < expires else None

    def _refused_token(self, token: str, *, app_call: bool) -> str | None:
        """Why Slack refuses the call's token (None: it is live, and it becomes the caller): the
        default bot token or an installed workspace's, or the app-level token for an `app_call`."""
        if app_call and not token.startswith("xapp-"):  # Socket Mode's apps.connections.open
            return "not_allowed_token_type"
        own = token == (self.app_token if app_call else self.bot_token)
        if token not in self._revoked and (own or (not app_call and self._workspace_of(token))):
            self._caller = token
            return None
        if token in self._revoked:
            return "token_revoked"
        return "token_expired" if token in self._issued else "invalid_auth"

    def _workspace_auth_test(self) -> dict[str, Any] | None:
        """`auth.test` for the calling token when it is an installed workspace's."""
        team = self._workspace_of(self._caller)
        if team is None:
            return None
        space = self._workspaces[team]
        return {
            "url": f"https://{team.lower()}.slack.com/",
            "team": space.name,
            "user": "summarizer",
            "team_id": team,
            "user_id": space.bot_user_id,
            "bot_id": space.bot_id,
            **({"enterprise_id": space.enterprise_id} if space.enterprise_id else {}),
            "is_enterprise_install": False,
        }

    def _oauth_v2_access(self, body: dict[str, Any], authorization: str) -> dict[str, Any]:
        """`oauth.v2.access`: a code or (`grant_type=refresh_token`) a refresh token → a bot token."""
        client_id, client_secret = str(body.get("client_id") or ""), str(body.get("client_secret") or "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if body.get("grant_type") == "refresh_token":
            team = self._refreshes.pop(str(body.get("refresh_token") or ""), None)
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, **self._grant(team, fresh=True)}
        team = self._codes.pop(str(body.get("code") or ""), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = self._workspaces[team].token
        granted = self._grant(team, fresh=token is None or token in self._revoked)
        return {"ok": True, **granted, "authed_user": {"id": f"U0INSTALLER{team}"}}

    def _grant(self, team: str, *, fresh: bool) -> dict[str, Any]:
        """Issue the workspace's bot token (a new one when `fresh` or rotating; else the one it has)."""
        space = self._workspaces[team]
        org = space.enterprise_id
        n = next(self._oauth_seq)
        if fresh or self.rotation or space.token is None:
            space.token = f"xoxe.xoxb-1-{team}-{n}" if self.rotation else f"xoxb-{team}-{n}"
        expires = time.time() + self.token_lifetime if self.rotation else None
        self._issued[space.token] = (team, expires)
        self._revoked.discard(space.token)
        granted: dict[str, Any] = {
            "access_token": space.token,
            "token_type": "bot",
            "scope": self.scopes,
            "bot_user_id": space.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": team, "name": space.name},
            "enterprise": {"id": org, "name": f"Org {org}"} if org else None,
            "is_enterprise_install": False,
        }
        if self.rotation:
            space.refresh_token = f"xoxe-1-{team}-refresh-{n}"
            self._refreshes[space.refresh_token] = team
            granted |= {"refresh_token": space.refresh_token, "expires_in": self.token_lifetime}
        return granted
