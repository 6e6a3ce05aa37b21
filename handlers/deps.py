"""What handlers need: queue, rate limiter, thread index, feedback counts, settings, and with OAuth
installs on, the installation store (from `create_app`)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.oauth.installation_store import InstallationStore

from bot.queue.feedback import FeedbackCounter
from bot.queue.limits import RateLimiter
from bot.queue.stream import SyncQueue
from bot.queue.threads import ThreadIndex
from bot.settings import Settings


@dataclass(frozen=True)
class HandlerDeps:
    queue: SyncQueue
    limiter: RateLimiter
    threads: ThreadIndex
    feedback: FeedbackCounter
    settings: Settings
    installs: InstallationStore | None = None  # OAuth installs only
