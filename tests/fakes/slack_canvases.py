"""Canvases for the fake Web API: `canvases.create` (JSON body; markdown only, at most 1 MiB) and
`canvases.access.set` (form body; `channel_ids` or `user_ids`, comma-separated, not both). A canvas is
a file: `files.info` knows it, with its permalink. `disable_canvases()` makes the workspace refuse them
(`canvas_disabled_user_team`), as a workspace with canvases turned off does. Mixed into `FakeSlack`."""

from __future__ import annotations

import copy
import itertools
import threading
from typing import Any

from tests.fakes.slack_blocks import SlackError

MAX_MARKDOWN_BYTES = 1024 * 1024
_ids = itertools.count(1)


class CanvasMethods:
    """Canvases; `FakeSlack` provides the lock, the team id and the file store."""

    team_id: str
    bot_user_id: str
    _lock: threading.RLock
    _files: dict[str, tuple[dict[str, Any], bytes]]

    def _init_canvases(self) -> None:
        self._canvases: dict[str, dict[str, Any]] = {}
        self._canvases_disabled = False

    def disable_canvases(self) -> None:
        with self._lock:
            self._canvases_disabled = True

    def canvases(self) -> dict[str, dict[str, Any]]:
        """Every canvas by id: `title`, `markdown`, `access` ({channel or user id: level})."""
        with self._lock:
            return copy.deepcopy(self._canvases)

    def _m_canvases_create(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._canvases_disabled:
            raise SlackError("canvas_disabled_user_team")
        content = body.get("document_content") or {}
        if not isinstance(content, dict) or content.get("type") != "markdown":
            raise SlackError("invalid_arguments")
        markdown = str(content.get("markdown") or "")
        if len(markdown.encode()) > MAX_MARKDOWN_BYTES:
            raise SlackError("canvas_creation_failed")
        canvas_id = f"F0CANVAS{next(_ids):04d}"
        title = str(body.get("title") or "Untitled")
        self._canvases[canvas_id] = {"title": title, "markdown": markdown, "access": {}}
        file = {
            "id": canvas_id,
            "name": title,
            "title": title,
            "filetype": "quip",
            "pretty_type": "Canvas",
            "user": self.bot_user_id,
            "permalink": f"https://fake.slack.com/docs/{self.team_id}/{canvas_id}",
        }
        self._files[canvas_id] = (file, markdown.encode())
        return {"canvas_id": canvas_id}

    def _m_canvases_access_set(self, body: dict[str, Any]) -> dict[str, Any]:
        canvas = self._canvases.get(str(body.get("canvas_id") or ""))
        if canvas is None:
            raise SlackError("canvas_not_found")
        level = str(body.get("access_level") or "")
        channels, users = str(body.get("channel_ids") or ""), str(body.get("user_ids") or "")
        if level not in {"read", "write", "owner"} or bool(channels) == bool(users):
            raise SlackError("invalid_parameters")
        for target in (channels or users).split(","):
            canvas["access"][target.strip()] = level
        return {}
