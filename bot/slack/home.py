"""The App Home: the Home tab (what the bot does, with examples; the person's defaults with an *Edit*
button; their requests this week) and the modal that edits the defaults. Pure: views in, views out.

Times are shown with Slack's `<!date^…>` formatting, so each person reads them in their own time zone.
Labels that came from people or pages (a link, a file name) are escaped like every reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.instructions.defaults import LANGUAGES, PRESETS, Defaults
from bot.queue.prefs import Asked
from bot.slack.blocks import Block, context, escaped_within, section

EDIT_DEFAULTS_ACTION = "edit_defaults"
DEFAULTS_VIEW = "defaults"  # the modal's callback_id
AUTO = "auto"  # "the bot decides", in the modal's menus
SHOWN_REQUESTS = 10
KIND_NAMES = {
    "url": "link",
    "file": "file",
    "text": "pasted text",
    "thread": "thread's first message",
    "conversation": "thread",
    "channel": "channel catch-up",
    "message": "message (reaction)",
    "followup": "follow-up",
}
EXAMPLES = (
    "• *Share a link or upload a file* in a channel I'm in: the summary appears in its thread.",
    "• *Mention me with text and an instruction*: `@summarizer in 3 bullets: <pasted text>`, or "
    "`Summarize this to 300 words in 2 paragraphs`.",
    "• *In a thread*: `@summarizer summarize this thread`, or ask a follow-up (`shorter`, `in French`, "
    "`what does it say about the budget?`).",
    "• `/summarize https://…` or `/summarize since yesterday` — privately, anywhere, with a button to share.",
    "• `/summarize digest daily 09:00` — a digest of a channel, on schedule.",
    "• *⋮ → Summarize* on any message, or react with :memo:.",
)


def home_view(defaults: Defaults | None, asked: Sequence[Asked]) -> dict[str, Any]:
    """The Home tab. `defaults` None: they could not be read just now (the tab says so)."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "summarizer"}},
        section(
            "I read what people share — links, files, pasted text, threads, channels — and post a "
            "faithful summary where it was asked for."
        ),
        section("\n".join(EXAMPLES)),
        {"type": "divider"},
    ]
    if defaults is None:
        blocks.append(section("*Your defaults*\nI can't read your settings just now; try again in a minute."))
    else:
        blocks.append(
            {
                **section(
                    f"*Your defaults* (used when a request doesn't say)\nLength: {defaults.length_label}\n"
                    f"Language: {defaults.language_label}"
                ),
                "accessory": {
                    "type": "button",
                    "action_id": EDIT_DEFAULTS_ACTION,
                    "text": {"type": "plain_text", "text": "Edit"},
                    "value": "edit",
                },
            }
        )
    blocks.append({"type": "divider"})
    count = len(asked)
    blocks.append(section(f"*Your requests this week:* {count if count else 'none yet'}"))
    lines = [_asked_line(item) for item in asked[:SHOWN_REQUESTS]]
    if lines:
        blocks.append(section("\n".join(lines)))
    if count > SHOWN_REQUESTS:
        blocks.append(context(f"and {count - SHOWN_REQUESTS} more"))
    return {"type": "home", "blocks": blocks}


def defaults_modal(defaults: Defaults) -> dict[str, Any]:
    """The modal that edits `defaults`: a length menu and a language menu, current choices selected."""
    presets = [(AUTO, "The bot decides (fits the source)"), *PRESETS.items()]
    languages = [(AUTO, "The source's language"), *((name, name) for name in LANGUAGES)]
    return {
        "type": "modal",
        "callback_id": DEFAULTS_VIEW,
        "title": {"type": "plain_text", "text": "Your defaults"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _menu("preset", "Summary length", presets, defaults.preset or AUTO),
            _menu("language", "Language", languages, defaults.language or AUTO),
            context("A request that names a length or a language (`in 3 bullets`, `in French`) keeps it."),
        ],
    }


def read_defaults(values: Mapping[str, Any]) -> tuple[Defaults | None, dict[str, str]]:
    """The defaults chosen in the modal (`view.state.values`), or None and an error per block."""
    chosen = {block: _selected(values, block) for block in ("preset", "language")}
    errors: dict[str, str] = {}
    if chosen["preset"] not in {AUTO, *PRESETS}:
        errors["preset"] = "Choose one of the lengths listed."
    if chosen["language"] not in {AUTO, *LANGUAGES}:
        errors["language"] = "Choose one of the languages listed."
    if errors:
        return None, errors
    preset, language = (None if chosen[k] == AUTO else chosen[k] for k in ("preset", "language"))
    return Defaults(preset=preset, language=language), {}


def _menu(block_id: str, label: str, options: list[tuple[str, str]], current: str) -> Block:
    items = [{"text": {"type": "plain_text", "text": text}, "value": value} for value, text in options]
    initial = next((item for item in items if item["value"] == current), items[0])
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "static_select",
            "action_id": block_id,
            "options": items,
            "initial_option": initial,
        },
    }


def _selected(values: Mapping[str, Any], block: str) -> str:
    element = (values.get(block) or {}).get(block) or {}
    option = element.get("selected_option") or {}
    return str(option.get("value") or "")


def _asked_line(item: Asked) -> str:
    when = f"<!date^{int(item.at)}^{{date_short_pretty}} {{time}}|{int(item.at)}>"
    what = KIND_NAMES.get(item.kind, item.kind)
    label = f": {escaped_within(item.label, 120)}" if item.label else ""
    if item.private:
        where = "privately"
    elif item.channel[:1] in {"C", "G"}:
        where = f"in <#{item.channel}>"
    else:
        where = "in a DM" if item.channel[:1] == "D" else ""
    mark = {True: " ✅", False: " ❌", None: ""}[item.ok]
    return f"• {when} — {what}{label} {where}{mark}".rstrip()
