"""The App Home: the Home tab published when a person opens it (`app_home_opened`, tab "home"), the
*Edit* button that opens the defaults modal (`views.open` with the click's trigger_id), and the modal's
submission (`view_submission`): checked (a bad choice is shown on its field and nothing is saved),
saved, and the Home tab published again with the new defaults.

Views are built by `bot.slack.home`; Redis being away shows the tab without the person's settings.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.instructions.defaults import Defaults
from bot.queue.prefs import SyncPrefs
from bot.slack.home import DEFAULTS_VIEW, EDIT_DEFAULTS_ACTION, defaults_modal, home_view, read_defaults
from handlers.deps import HandlerDeps

log = logging.getLogger(__name__)
WEEK = 7 * 24 * 3600


def register(app: App, deps: HandlerDeps) -> None:
    """Listen for the Home tab, its *Edit* button and the defaults modal."""
    prefs = SyncPrefs(deps.queue.client)

    def publish(client: WebClient, team: str, user: str) -> None:
        try:
            defaults = Defaults.read(prefs.defaults(team, user))
            asked = prefs.asked(team, user, since=time.time() - WEEK)
        except redis.RedisError:
            log.warning("could not read %s's settings for the Home tab", user, exc_info=True)
            defaults, asked = None, []  # the tab says the settings can't be read just now
        try:
            client.views_publish(user_id=user, view=home_view(defaults, asked))
        except SlackApiError as exc:
            log.warning("views.publish failed: %s", exc.response.get("error"))

    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        user = str(event.get("user") or "")
        if event.get("tab", "home") == "home" and user:
            publish(client, str(context.team_id or ""), user)

    def on_edit(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        try:
            current = Defaults.read(prefs.defaults(str(context.team_id or ""), str(context.user_id or "")))
        except redis.RedisError:
            log.warning("could not read settings to edit", exc_info=True)
            return
        try:
            client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=defaults_modal(current))
        except SlackApiError as exc:
            log.warning("views.open failed: %s", exc.response.get("error"))

    def on_save(ack: Ack, view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        chosen, errors = read_defaults((view.get("state") or {}).get("values") or {})
        if chosen is None:
            ack(response_action="errors", errors=errors)
            return
        team, user = str(context.team_id or ""), str(context.user_id or "")
        try:
            prefs.save(team, user, chosen.fields())
        except redis.RedisError:
            log.warning("could not save %s's defaults", user, exc_info=True)
            ack(response_action="errors", errors={"preset": "I couldn't save this just now; try again."})
            return
        ack()
        publish(client, team, user)

    app.event("app_home_opened")(on_home_opened)
    app.action(EDIT_DEFAULTS_ACTION)(on_edit)
    app.view(DEFAULTS_VIEW)(on_save)
