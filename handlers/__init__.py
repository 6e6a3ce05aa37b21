"""Slack listeners, thin: each acknowledges, turns the event into jobs (`bot.slack.intake`), queues them
and gives immediate feedback. Each module exposes `register(app, deps)`; `register_all` wires them in
order. Imported only by the process wiring (`bot.processes.web`); imports no parser, no summary engine
and no model SDK.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, home, installs, messages
from handlers.deps import HandlerDeps


def register_all(app: App, deps: HandlerDeps) -> None:
    """Attach every listener to `app`. The order matters: Bolt runs only the first listener that matches."""
    installs.register(app, deps)  # before messages, whose last listener takes every other event
    home.register(app, deps)
    messages.register(app, deps)
    actions.register(app, deps)
    commands.register(app, deps)


__all__ = ["HandlerDeps", "register_all"]
