"""`app_uninstalled` and `tokens_revoked` (OAuth installs only): the workspace's stored installation is
deleted, so the worker drops that workspace's queued jobs instead of posting (it finds no token).

Bolt acknowledges both events without authorizing them (the tokens are already gone). Requests and
jobs are authorized from the store's bots (the app asks for no user token), so deleting the bot is
what ends a workspace's access; an uninstall deletes its installation rows too.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from handlers.deps import HandlerDeps

log = logging.getLogger(__name__)


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for uninstalls and token revocations when installations are stored per workspace."""
    store = deps.installs
    if store is None:
        return  # one SLACK_BOT_TOKEN: the catch-all listener acknowledges these events

    def on_uninstalled(context: BoltContext) -> None:
        store.delete_all(enterprise_id=context.enterprise_id, team_id=context.team_id)
        log.info("workspace %s uninstalled the app; its installation is deleted", context.team_id)

    def on_revoked(event: dict[str, Any], context: BoltContext) -> None:
        raw = event.get("tokens")
        tokens: dict[str, Any] = raw if isinstance(raw, dict) else {}
        where = {"enterprise_id": context.enterprise_id, "team_id": context.team_id}
        for user in tokens.get("oauth") or []:
            store.delete_installation(**where, user_id=str(user))
        if tokens.get("bot"):
            store.delete_bot(**where)
            log.info("workspace %s revoked the bot token; its bot is deleted", context.team_id)

    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_revoked)
