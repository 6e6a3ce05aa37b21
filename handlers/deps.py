"""What handlers need: the queue to put jobs on, and the settings. Built once by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.queue import SyncQueue
from bot.settings import Settings


@dataclass(frozen=True)
class HandlerDeps:
    queue: SyncQueue
    settings: Settings
