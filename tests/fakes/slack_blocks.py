"""Block Kit validation as Slack applies it to chat.postMessage / chat.update (used by the fake Slack).

Limits from slack_sdk's model validators and Slack's docs: 50 blocks, 3,000 characters of section text,
150 of header text, 10 context elements; errors shaped like Slack's `invalid_blocks` answers.
"""

from __future__ import annotations

from typing import Any


class SlackError(Exception):
    """An `ok: false` answer: the error code plus any extra top-level keys (errors, response_metadata)."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.extra = error, extra


def _invalid_blocks(*problems: str) -> SlackError:
    return SlackError(
        "invalid_blocks",
        errors=list(problems),
        response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
    )


def _check_text(obj: Any, pointer: str, limit: int, *, plain_only: bool = False) -> None:
    kinds = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
    if not isinstance(obj, dict) or obj.get("type") not in kinds or not isinstance(obj.get("text"), str):
        raise _invalid_blocks(f"failed to match all allowed schemas [json-pointer:{pointer}]")
    if not obj["text"]:
        raise _invalid_blocks(f"must be more than 0 characters [json-pointer:{pointer}/text]")
    if len(obj["text"]) > limit:
        raise _invalid_blocks(
            f"failed to match all allowed schemas [json-pointer:{pointer}]",
            f"must be less than {limit + 1} characters [json-pointer:{pointer}/text]",
        )


def _check_items(items: Any, pointer: str, limit: int) -> list[Any]:
    if not isinstance(items, list) or not items:
        raise _invalid_blocks(f"must provide an array with at least 1 item [json-pointer:{pointer}]")
    if len(items) > limit:
        raise _invalid_blocks(f"must provide an array with at most {limit} items [json-pointer:{pointer}]")
    return items


BLOCK_TYPES = {
    "actions",
    "context",
    "context_actions",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "markdown",
    "rich_text",
    "section",
    "table",
    "video",
}


def validate_blocks(blocks: Any, *, max_blocks: int = 50) -> None:
    """Raise the SlackError Slack would give for these blocks: the limits of PROTOCOL.md §4 (a message
    holds 50 blocks; a view 100)."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > max_blocks:
        raise SlackError("msg_blocks_too_many" if max_blocks == 50 else "invalid_arguments")
    for i, block in enumerate(blocks):
        at, kind = f"/blocks/{i}", block.get("type")
        if kind not in BLOCK_TYPES:
            raise _invalid_blocks(f"failed to match all allowed schemas [json-pointer:{at}]")
        if len(str(block.get("block_id", ""))) > 255:
            raise _invalid_blocks(f"must be less than 256 characters [json-pointer:{at}/block_id]")
        _validate_block(kind, block, at)


def _validate_block(kind: str, block: dict[str, Any], at: str) -> None:
    """The limits of one block of a known `kind` at JSON pointer `at`."""
    if kind == "section":
        if "text" not in block and "fields" not in block:
            raise _invalid_blocks(f"must provide text or fields [json-pointer:{at}]")
        if "text" in block:
            _check_text(block["text"], f"{at}/text", 3000)
        fields = _check_items(block["fields"], f"{at}/fields", 10) if "fields" in block else []
        for j, item in enumerate(fields):
            _check_text(item, f"{at}/fields/{j}", 2000)
    elif kind == "header":
        _check_text(block.get("text"), f"{at}/text", 150, plain_only=True)
    elif kind == "markdown":
        _check_text({"type": "mrkdwn", "text": block.get("text")}, at, 12_000)
    elif kind == "context":
        _check_items(block.get("elements"), f"{at}/elements", 10)
    elif kind == "actions":
        _check_items(block.get("elements"), f"{at}/elements", 25)
    elif kind == "image" and len(str(block.get("alt_text", ""))) > 2000:
        raise _invalid_blocks(f"must be less than 2001 characters [json-pointer:{at}/alt_text]")
