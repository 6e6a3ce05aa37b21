"""The event → jobs mapping, on the real payloads in the shared reference and on hand-made variants."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.intake import EventContext, job_for_reaction, jobs_for_event, jobs_for_parent
from bot.slack.markup import find_links, plain_text
from tests.paths import FIXTURES

PAYLOADS = FIXTURES / "slack_events"
CTX = EventContext(team="T1", bot_user_id="U0BOT", bot_id="B0BOT", max_links=3)


def payload(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((PAYLOADS / name).read_text())["payload"]["event"]
    return event


def reaction_event() -> dict[str, Any]:
    """The API reference's `reaction_added` event (👍 on a message)."""
    path = PAYLOADS / "reaction_added_inner_event__slack_api_ref.json"
    event: dict[str, Any] = json.loads(path.read_text())["payload"]
    return event


def msg(text: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": "C1",
        "user": "U1",
        "ts": "1.000100",
        "text": text,
        "channel_type": "channel",
        **extra,
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("message_changed__bolt_tests.json", []),
        ("message_deleted__bolt_tests.json", []),
        ("message_bot_message_subtype_classic__bolt_tests.json", []),
        ("message_from_other_bot_modern__bolt_tests.json", []),
        ("message_channel_plain__bolt_tests.json", []),
        ("message_file_share__bolt_tests.json", []),
    ],
)
def test_reference_payloads(name: str, expected: list[str]) -> None:
    """Edits, deletions, bots, plain chatter and a screenshot shared in a channel make no job."""
    assert [job.kind for job in jobs_for_event(payload(name), CTX)] == expected


def test_links_from_text_and_blocks_are_deduplicated_and_slack_links_dropped() -> None:
    """Links come from `<url>`, `<url|label>` and rich_text link elements, once each, Slack's own excluded."""
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "link", "url": "https://example.com/a"},
                        {"type": "link", "url": "https://b.example/x"},
                    ],
                }
            ],
        }
    ]
    text = "see <https://example.com/a|this> and <https://acme.slack.com/archives/C1/p1> <mailto:a@b.c|mail>"
    assert find_links(text, blocks) == ["https://example.com/a", "https://b.example/x"]


def test_link_limit_adds_one_skipped_notice() -> None:
    """At most three links are summarized; the rest are named in one notice."""
    text = " ".join(f"<https://site{i}.example/>" for i in range(5))
    jobs = jobs_for_event(msg(text), CTX)
    assert [j.kind for j in jobs] == ["url", "url", "url", "notice"]
    assert "skipped the other 2" in (jobs[-1].notice or "")


def test_plain_text_in_a_channel_is_not_summarized_but_a_mention_is() -> None:
    """Pasted text is summarized only when addressed to the bot."""
    assert jobs_for_event(msg("just chatting about things"), CTX) == []
    text = "The council approved the new transit budget on Tuesday."
    jobs = jobs_for_event(msg(f"<@U0BOT> Summarize in 2 paragraphs\n{text}"), CTX)
    assert [j.kind for j in jobs] == ["text"]
    assert jobs[0].spec.paragraphs == 2
    assert text in (jobs[0].text or "")


def test_message_and_app_mention_for_one_post_give_the_same_job_ids() -> None:
    """A mention arrives as `message` and as `app_mention`; both map to identical job ids."""
    text = "<@U0BOT> please look <https://example.com/story>"
    as_message = jobs_for_event(msg(text), CTX)
    as_mention = jobs_for_event({**msg(text), "type": "app_mention"}, CTX)
    assert [j.id for j in as_message] == [j.id for j in as_mention] != []


def test_direct_message_text_is_summarized_in_a_thread() -> None:
    """A DM's text is addressed to the bot; the reply goes in the DM message's thread."""
    jobs = jobs_for_event(msg("Here is a long memo to read.", channel="D1", channel_type="im"), CTX)
    assert [(j.kind, j.thread_ts) for j in jobs] == [("text", "1.000100")]


def test_bare_mention_in_thread_targets_the_parent_and_elsewhere_gets_help() -> None:
    """A bare mention in a thread asks for the parent; outside a thread it gets the help notice."""
    in_thread = jobs_for_event(msg("<@U0BOT>", thread_ts="0.5"), CTX)
    assert [(j.kind, j.thread_ts) for j in in_thread] == [("thread", "0.5")]
    alone = jobs_for_event(msg("<@U0BOT>"), CTX)
    assert [j.source for j in alone] == ["notice:help"]


def test_supported_upload_becomes_a_file_job() -> None:
    """A PDF upload is a file job carrying the download URL."""
    files = [
        {
            "id": "F1",
            "name": "r.pdf",
            "mimetype": "application/pdf",
            "filetype": "pdf",
            "size": 10,
            "url_private_download": "https://files.slack.com/x/r.pdf",
        }
    ]
    jobs = jobs_for_event(msg("", subtype="file_share", files=files), CTX)
    assert [(j.kind, j.file.name if j.file else None) for j in jobs] == [("file", "r.pdf")]


def test_own_messages_are_ignored() -> None:
    """The bot's own user id never triggers work."""
    assert jobs_for_event(msg("<https://example.com>", user="U0BOT"), CTX) == []


def test_plain_text_unwraps_slack_markup() -> None:
    """Mentions of the bot vanish; users, channels and links become readable text."""
    text = "<@U0BOT> hi <@U2|bob> in <#C1|general> see <https://x.example|x> &amp; more"
    assert plain_text(text, bot_user_id="U0BOT") == "hi @bob in #general see x & more"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    event=st.fixed_dictionaries(
        {"type": st.sampled_from(["message", "app_mention", "reaction_added"])},
        optional={
            "text": st.one_of(st.text(max_size=200), json_values),
            "channel": st.one_of(st.text(max_size=5), json_values),
            "ts": st.one_of(st.text(max_size=5), json_values),
            "user": st.one_of(st.text(max_size=5), json_values),
            "subtype": st.one_of(st.sampled_from(["file_share", "message_changed"]), json_values),
            "files": json_values,
            "blocks": json_values,
            "thread_ts": json_values,
            "channel_type": st.sampled_from(["im", "channel"]),
        },
    )
)
def test_mapping_never_raises_and_ids_are_stable(event: dict[str, Any]) -> None:
    """Any payload shape maps to a list of jobs without raising, and mapping twice gives the same ids."""
    first = jobs_for_event(event, CTX)
    assert [j.id for j in first] == [j.id for j in jobs_for_event(event, CTX)]
    assert len({j.id for j in first}) == len(first)


def test_unsupported_uploads_get_a_notice_unless_media_shared_in_passing() -> None:
    """A zip anywhere, or an image sent to the bot, gets the one-line notice; a channel image gets none."""
    image = [{"id": "F1", "name": "shot.png", "mimetype": "image/png", "filetype": "png"}]
    archive = [{"id": "F2", "name": "data.zip", "mimetype": "application/zip", "filetype": "zip"}]
    assert jobs_for_event(msg("", subtype="file_share", files=image), CTX) == []
    assert [j.kind for j in jobs_for_event(msg("", subtype="file_share", files=archive), CTX)] == ["notice"]
    dm = msg("", subtype="file_share", files=image, channel="D1", channel_type="im")
    assert [j.source for j in jobs_for_event(dm, CTX)] == ["notice:unsupported:F1"]


@pytest.mark.parametrize("text", ["hey", "Hi there!", "test", "help me with something", "what can you do?"])
def test_chatter_addressed_to_the_bot_gets_the_help_line(text: str) -> None:
    """A mention or DM with small talk is answered with help, never summarized or refused."""
    mention = jobs_for_event(msg(f"<@U0BOT> {text}"), CTX)
    dm = jobs_for_event(msg(text, channel="D1", channel_type="im"), CTX)
    assert [(j.kind, j.source) for j in mention + dm] == [("notice", "notice:help")] * 2
    assert "Here is what I can do" in (dm[0].notice or "") and "@summarizer" in (mention[0].notice or "")


def test_chatter_with_a_mention_in_a_thread_gets_help_not_the_parent() -> None:
    """ "@summarizer hi" in a thread is a greeting; a bare mention there still summarizes the parent."""
    assert [j.kind for j in jobs_for_event(msg("<@U0BOT> hi", thread_ts="0.5"), CTX)] == ["notice"]
    assert [j.kind for j in jobs_for_event(msg("<@U0BOT>", thread_ts="0.5"), CTX)] == ["thread"]


@pytest.mark.parametrize(
    "extra",
    [
        {"user": "USLACKBOT", "channel_type": "im", "text": "You have been removed from #general by Bob."},
        {"bot_id": "B0OTHER", "text": "see <https://example.com/a>"},
        {"app_id": "A0WORKFLOW", "text": "Daily report: <https://example.com/b>"},
        {"bot_profile": {"id": "B0WF", "name": "Workflow"}, "text": "<https://example.com/c>"},
    ],
)
def test_slackbot_apps_and_workflows_are_never_summarized_on_their_own(extra: dict[str, Any]) -> None:
    """Messages that Slackbot, an app, a bot or a workflow posted make no job, even with links or in a DM."""
    assert jobs_for_event(msg("") | extra, CTX) == []


def test_a_person_may_ask_for_an_app_message_in_its_thread() -> None:
    """A mention in the thread of a workflow's message summarizes that message's link."""
    mention = jobs_for_event(msg("<@U0BOT>", thread_ts="0.5"), CTX)[0]
    parent = {"type": "message", "bot_id": "B0WF", "app_id": "A0WF", "text": "Report <https://example.com/r>"}
    assert [(j.kind, j.url) for j in jobs_for_parent(parent, mention, max_links=3)] == [
        ("url", "https://example.com/r")
    ]


def test_links_in_code_blocks_are_examples_not_shares() -> None:
    """A link inside a rich_text_preformatted (code) block is not summarized; one in a list item is."""
    blocks = [
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_list", "elements": [{"type": "link", "url": "https://example.com/read"}]},
                {
                    "type": "rich_text_preformatted",
                    "elements": [{"type": "link", "url": "https://example.com/x"}],
                },
            ],
        }
    ]
    assert find_links("references", blocks) == ["https://example.com/read"]


def test_the_memo_reaction_on_the_reference_payloads() -> None:
    """The real `reaction_added` payloads: the configured emoji makes one job, whoever reacts; others none."""
    event = reaction_event()
    assert job_for_reaction(event, team="T1", emoji="memo", bot_user_id="U0BOT") is None  # 👍
    memo = job_for_reaction(event | {"reaction": "memo"}, team="T1", emoji="memo", bot_user_id="U0BOT")
    assert memo is not None
    assert (memo.kind, memo.channel, memo.message_ts, memo.thread_ts) == (
        "message", "C123ABC456", "1360782400.498405", "1360782400.498405",
    )  # fmt: skip
    other = job_for_reaction(
        event | {"reaction": "memo", "user": "U0OTHER"}, team="T1", emoji="memo", bot_user_id="U0BOT"
    )
    assert other is not None and other.id == memo.id
    bolt = payload("reaction_added__bolt_tests.json")
    assert job_for_reaction(bolt, team="T111", emoji="heart_eyes", bot_user_id="U0BOT") is not None


@pytest.mark.parametrize(
    ("change", "emoji"),
    [
        ({}, ""),  # reactions turned off
        ({"user": "U0BOT"}, "memo"),  # the bot's own reaction
        ({"item": {"type": "file", "file": "F1"}}, "memo"),  # a file, not a message
        ({"item": {"type": "message", "channel": "C1"}}, "memo"),  # malformed
        ({"user": None}, "memo"),
    ],
)
def test_reactions_that_make_no_job(change: dict[str, Any], emoji: str) -> None:
    """Reactions off, the bot's own, ones on files, and malformed events make no job."""
    event = reaction_event() | {"reaction": "memo"} | change
    assert job_for_reaction(event, team="T1", emoji=emoji, bot_user_id="U0BOT") is None


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("<@U0BOT> catch me up", "default"),
        ("<@U0BOT> what did I miss since yesterday?", "yesterday"),
        ("<@U0BOT> summarize this channel, last 4 hours", "hours:4"),
        ("<@U0BOT> recap today", "today"),
    ],
)
def test_a_catch_up_asked_in_a_channel_is_a_channel_job_in_the_mentions_thread(
    text: str, window: str
) -> None:
    jobs = jobs_for_event(msg(text), CTX)
    assert [(j.kind, j.window, j.thread_ts, j.private) for j in jobs] == [
        ("channel", window, "1.000100", False)
    ]


def test_a_catch_up_phrase_in_a_dm_or_inside_pasted_text_is_not_a_catch_up() -> None:
    assert [j.kind for j in jobs_for_event(msg("<@U0BOT> catch me up", channel_type="im"), CTX)] == ["notice"]
    text = (
        "<@U0BOT> "
        + "Here is what happened today at the council meeting, where members debated the plan. " * 3
    )
    assert [j.kind for j in jobs_for_event(msg(text), CTX)] == ["text"]
