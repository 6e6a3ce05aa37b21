"""People and links for the fake Web API: `users.info` (from users added by the test, with Slack's
profile shape) and `chat.getPermalink`. Mixed into `FakeSlack`, whose lock is held when these run."""

from __future__ import annotations

import copy
import threading
from typing import Any

from tests.fakes.slack_blocks import SlackError


class PeopleMethods:
    """Users and permalinks; `FakeSlack` provides `_find` and the team id."""

    team_id: str
    _lock: threading.RLock

    def _init_people(self) -> None:
        self._users: dict[str, dict[str, Any]] = {}

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def add_user(self, user_id: str, real_name: str, *, display_name: str = "", is_bot: bool = False) -> None:
        """A member `users.info` knows (display name as set in the profile; "" when unset)."""
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": real_name.lower().replace(" ", "."),
                "real_name": real_name,
                "is_bot": is_bot,
                "deleted": False,
                "profile": {"real_name": real_name, "display_name": display_name, "team": self.team_id},
            }

    def _m_users_info(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(str(body.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": copy.deepcopy(user)}

    def _m_chat_getPermalink(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(body.get("channel") or ""), str(body.get("message_ts") or "")
        message = self._find(channel, ts)
        if message is None:
            raise SlackError("message_not_found")
        link = f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        thread = message.get("thread_ts")
        if thread and thread != ts:
            link += f"?thread_ts={thread}&cid={channel}"
        return {"channel": channel, "permalink": link}
