"""Views for the fake Web API: `views.publish` (a person's Home tab) and `views.open` (a modal, opened
with a trigger_id that Slack gave in an interaction payload: usable once, within 3 seconds). Views are
checked as Slack checks them: `type` home or modal, at most 100 blocks within the block limits, a
modal's title (≤ 24 characters) and callback_id, and each select's `initial_option` among its
`options`. Mixed into `FakeSlack`."""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from typing import Any

from tests.fakes.slack_blocks import SlackError, validate_blocks

TRIGGER_SECONDS = 3.0
_view_ids = itertools.count(1)


class ViewMethods:
    """Home tabs and modals; `FakeSlack` provides the lock and the team id."""

    team_id: str
    _lock: threading.RLock

    def _init_views(self) -> None:
        self._homes: dict[str, dict[str, Any]] = {}
        self._modals: list[dict[str, Any]] = []
        self._triggers: dict[str, tuple[str, float]] = {}  # trigger_id → (user, issued at)

    def trigger_for(self, user: str) -> str:
        """A new trigger_id, as Slack puts in an interaction payload for `user`."""
        trigger = f"{next(_view_ids)}.{int(time.time())}.{self.team_id}.trigger"
        with self._lock:
            self._triggers[trigger] = (user, time.monotonic())
        return trigger

    def home(self, user: str) -> dict[str, Any] | None:
        """The Home tab last published for `user` (None: never)."""
        with self._lock:
            view = self._homes.get(user)
            return copy.deepcopy(view) if view is not None else None

    def modals(self) -> list[dict[str, Any]]:
        """Every modal opened, oldest first, each with the `user` it was opened for."""
        with self._lock:
            return copy.deepcopy(self._modals)

    def _m_views_publish(self, body: dict[str, Any]) -> dict[str, Any]:
        user, view = str(body.get("user_id") or ""), _view(body)
        if not user:
            raise SlackError("invalid_arguments")
        if view.get("type") != "home":
            raise SlackError("invalid_arguments")
        _check(view)
        view = {**view, "id": f"V0HOME{next(_view_ids):04d}", "team_id": self.team_id}
        self._homes[user] = view
        return {"view": copy.deepcopy(view)}

    def _m_views_open(self, body: dict[str, Any]) -> dict[str, Any]:
        trigger, view = str(body.get("trigger_id") or ""), _view(body)
        issued = self._triggers.pop(trigger, None)
        if issued is None or time.monotonic() - issued[1] > TRIGGER_SECONDS:
            raise SlackError("expired_trigger_id" if issued else "invalid_trigger_id")
        title = (view.get("title") or {}).get("text") or ""
        if view.get("type") != "modal" or not title or len(title) > 24:
            raise SlackError("invalid_arguments")
        _check(view)
        view = {**view, "id": f"V0MODAL{next(_view_ids):04d}", "team_id": self.team_id, "user": issued[0]}
        self._modals.append(view)
        return {"view": copy.deepcopy(view)}


def _view(body: dict[str, Any]) -> dict[str, Any]:
    """The `view` argument: a JSON object (a JSON body) or a JSON string (a form body)."""
    raw = body.get("view")
    try:
        view = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise SlackError("invalid_arguments") from None
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments")
    return view


def _check(view: dict[str, Any]) -> None:
    blocks = view.get("blocks")
    validate_blocks(blocks, max_blocks=100)
    for block in blocks or []:
        element = block.get("element") or block.get("accessory") or {}
        select = element.get("type") == "static_select" and "initial_option" in element
        if select and element["initial_option"] not in element.get("options", []):
            raise SlackError("invalid_arguments")
        if block.get("type") == "input" and not (block.get("label") and block.get("element")):
            raise SlackError("invalid_arguments")
