"""People and links for the fake Web API: `users.info` (from users added by the test, with Slack's
profile shape and time zone), `chat.getPermalink`, and a channel's history (`conversations.history`,
paged with cursors). Mixed into `FakeSlack`, whose lock is held when these run."""

from __future__ import annotations

import base64
import copy
import threading
from typing import Any

from tests.fakes.slack_blocks import SlackError


class PeopleMethods:
    """Users, permalinks and history; `FakeSlack` provides the message store and the team id."""

    team_id: str
    _lock: threading.RLock

    def _init_people(self) -> None:
        self._users: dict[str, dict[str, Any]] = {}

    def _find(self, channel: str, ts: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _sorted(self, channel: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _render(self, channel: str, message: dict[str, Any], *, metadata: bool) -> dict[str, Any]:
        raise NotImplementedError

    def add_user(
        self,
        user_id: str,
        real_name: str,
        *,
        display_name: str = "",
        is_bot: bool = False,
        tz_offset: int = 0,
        tz: str | None = None,
    ) -> None:
        """A member `users.info` knows (display name as set in the profile; "" when unset; `tz_offset`:
        their time zone, seconds from UTC; `tz`: its IANA name, by default a fixed-offset zone)."""
        if tz is None:
            tz = "UTC" if tz_offset == 0 else f"Etc/GMT{-tz_offset // 3600:+d}"  # Etc/GMT signs are inverted
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": real_name.lower().replace(" ", "."),
                "real_name": real_name,
                "is_bot": is_bot,
                "deleted": False,
                "tz": tz,
                "tz_offset": tz_offset,
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

    def _m_conversations_history(self, body: dict[str, Any]) -> dict[str, Any]:
        """A channel's top-level messages (and replies also sent to the channel), newest first, between
        `oldest` and `latest` (exclusive unless `inclusive`), `limit` a page (default 100, at most 999),
        with a `next_cursor` while there are more."""
        channel = str(body.get("channel") or "")
        if not channel:
            raise SlackError("channel_not_found")
        inclusive = str(body.get("inclusive") or "").lower() in {"1", "true"}
        oldest = float(body.get("oldest") or 0)
        latest = float(body.get("latest") or "inf")

        def inside(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        top = [
            m
            for m in reversed(self._sorted(channel))
            if (m.get("thread_ts") in {None, m["ts"]} or m.get("subtype") == "thread_broadcast")
            and inside(float(m["ts"]))
        ]
        limit = max(1, min(int(body.get("limit") or 100), 999))
        start, cursor = 0, str(body.get("cursor") or "")
        if cursor:
            try:
                before = base64.b64decode(cursor).decode().removeprefix("next_ts:")
            except ValueError:
                raise SlackError("invalid_cursor") from None
            start = next((i for i, m in enumerate(top) if m["ts"] == before), len(top))
        page, rest = top[start : start + limit], top[start + limit :]
        cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
        return {
            "messages": [
                self._render(channel, m, metadata=_flag(body.get("include_all_metadata"))) for m in page
            ],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": cursor},
        }


def _flag(value: Any) -> bool:
    """A Web API boolean argument as Slack reads it ("true", "1", true)."""
    return str(value or "").lower() in {"1", "true"}
