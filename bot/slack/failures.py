"""Slack API failures, classified once: worth another try later, or refused for good. Pure.

Transient: HTTP 429 and 5xx (after slack_sdk's own retry handlers gave up), `ratelimited`,
`internal_error`-like errors, and connection errors. Permanent: every other `ok: false`, which retrying
cannot fix (`not_in_channel`, `channel_not_found`, `is_archived`, `msg_too_long`, `invalid_blocks`,
`no_permission`, `restricted_action`, `ekm_access_denied`, `team_access_not_granted`,
`account_inactive`, `missing_scope`, `invalid_auth`…). The worker runs a job again after a transient
failure and ends it at once after a permanent one, telling the asker another way where it can.
"""

from __future__ import annotations

from typing import Literal

from bot.errors import RetryLater, SlackRefused, SummarizerError

TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "timeout",
        "team_added_to_org",  # Slack's own advice: retry after a while
    }
)
# Reaction errors that are no news: the state is already right, or the message is out of reach.
QUIET_REACTION_ERRORS = frozenset(
    {
        "already_reacted",
        "no_reaction",
        "message_not_found",
        "not_in_channel",
        "channel_not_found",
        "is_archived",
    }
)
# What the asker is told, in a DM or a private note, when Slack refuses the reply in its thread.
NOT_A_MEMBER = (
    "I couldn't post my reply there because I'm not in that conversation. Invite me with "
    "`/invite @summarizer`, or send me the link or file here."
)
REFUSAL_NOTES = {
    "not_in_channel": NOT_A_MEMBER,
    "channel_not_found": NOT_A_MEMBER,
    "is_archived": "I couldn't post my reply there because the channel is archived.",
    "msg_too_long": "Slack refused my reply because it was too long. Ask me for a shorter summary.",
    "msg_blocks_too_long": "Slack refused my reply because it was too long. Ask me for a shorter summary.",
    "invalid_blocks": "Slack refused my reply as malformed. Please try again later.",
    "restricted_action": "This workspace doesn't allow me to post there.",
    "no_permission": "This workspace doesn't allow me to post there.",
    "ekm_access_denied": "I couldn't post there: this workspace's encryption keys deny me access.",
}


def classify(*, status: int | None, error: str | None) -> Literal["transient", "permanent"]:
    """Whether a failed Slack call (its HTTP `status` and `error` name) may succeed when tried later."""
    if status is not None and (status == 429 or status >= 500):
        return "transient"
    return "transient" if (error or "") in TRANSIENT_ERRORS else "permanent"


def failure(*, method: str, status: int | None, error: str | None) -> SummarizerError:
    """The exception a failed call of `method` becomes: `RetryLater` or `SlackRefused`."""
    if classify(status=status, error=error) == "transient":
        return RetryLater(f"{method}: {error or status}")
    return SlackRefused(method=method, error=error or f"http_{status}")


NOT_A_READER = (
    "I can't read that conversation because I'm not in it. Invite me with `/invite @summarizer` and ask "
    "again (in a private channel or a DM, only its members can invite me)."
)
READING_METHODS = frozenset({"conversations.replies", "conversations.history"})


def refusal_note(error: str, *, method: str = "") -> str:
    """A line for the asker about a call Slack refused: reading the conversation (`method`
    conversations.replies/history), or posting the reply there."""
    if method in READING_METHODS and error in {"not_in_channel", "channel_not_found"}:
        return NOT_A_READER
    return REFUSAL_NOTES.get(error, f"Slack refused my reply there ({error}).")
