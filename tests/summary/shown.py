"""`Shown`: a `Live` (bot.summary.writer) that keeps what it is shown, for tests of streamed answers."""

from __future__ import annotations


class Shown:
    """A `Live` that records what it is shown; a restart forgets it, as Slack's reply would be replaced."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    async def text(self, delta: str) -> None:
        self.pieces.append(delta)

    async def restart(self) -> None:
        self.pieces.clear()
