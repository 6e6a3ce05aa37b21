"""`manifest.yml` declares every entry point the app listens to, so a reinstall from it enables them all."""

from __future__ import annotations

import re

from bot.slack.commands import COMMAND, SHORTCUT
from tests.paths import ROOT

MANIFEST = (ROOT / "manifest.yml").read_text(encoding="utf-8")


def listed(section: str) -> set[str]:
    """The `- item` entries under `section:` (up to the next key at the same or a lower indent)."""
    match = re.search(rf"^(\s*){section}:\n((?:\1\s+.*\n)+)", MANIFEST, re.MULTILINE)
    assert match, section
    return {m.group(1) for m in re.finditer(r"^\s*- ([\w:./]+)", match.group(2), re.MULTILINE)}


def test_the_command_shortcut_events_and_scopes_are_declared() -> None:
    assert f"- command: {COMMAND}" in MANIFEST
    assert f"callback_id: {SHORTCUT}" in MANIFEST and "type: message" in MANIFEST
    assert {"app_mention", "message.channels", "message.im", "reaction_added", "app_home_opened"} <= listed(
        "bot_events"
    )
    assert re.search(r"app_home:\n\s+home_tab_enabled: true", MANIFEST)
    scopes = listed("bot")
    assert {
        "commands",
        "reactions:read",
        "reactions:write",
        "users:read",
        "chat:write",
        "files:read",
    } <= scopes
    assert re.search(r"interactivity:.*\n\s+is_enabled: true", MANIFEST)
