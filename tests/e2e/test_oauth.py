"""OAuth installs: a second workspace installs through `/slack/install`, gets its replies with its own
token, and loses its installation (and its queued jobs) when it uninstalls or revokes the token.

The real web process (Bolt's install and redirect endpoints, signed events) and the real worker run
against the fake Slack, whose `oauth.v2.access` hands each workspace its own token, with the
installations in a real SQLite database in the test's data directory.
"""

from __future__ import annotations

import html
import logging
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.instructions.digest import Schedule
from bot.queue import keys
from bot.settings import Settings
from bot.slack.digest import DigestSetting, schedule_name
from bot.slack.installs import BOT_SCOPES
from tests.articles import ARTICLE_TEXT, article_html
from tests.fakes.slack_api import FakeSlack
from tests.fakes.web import FakeWeb
from tests.harness import BOT_TOKEN, BOT_USER, TEAM, Harness, envelope, message_event, wait_for

T2 = "T0SECOND"
T2_BOT = f"U0BOT{T2}"
REPLY_CALLS = ("chat.postMessage", "chat.startStream", "chat.appendStream", "chat.stopStream", "chat.update")


@pytest.fixture
def oauth_settings(settings: Settings, slack: FakeSlack) -> Settings:
    """The bot with OAuth installs on (no SLACK_BOT_TOKEN), installations in SQLite in the data dir."""
    return replace(
        settings,
        slack_bot_token=None,
        slack_client_id=slack.client_id,
        slack_client_secret=slack.client_secret,
    )


@pytest.fixture
def app(oauth_settings: Settings, slack: FakeSlack) -> Iterator[Harness]:
    """The web process and worker with OAuth installs, the first workspace (TEAM) already installed."""
    harness = Harness(oauth_settings, slack)
    install(harness, slack, TEAM, token=BOT_TOKEN, bot_user_id=BOT_USER, bot_id=slack.bot_id)
    yield harness
    harness.close()


def store_of(bot: Harness) -> SQLAlchemyInstallationStore:
    """The web process's installation store (the real database)."""
    store = bot.web.app.installation_store
    assert isinstance(store, SQLAlchemyInstallationStore)
    return store


def get(url: str, *, cookie: str | None = None) -> tuple[int, Any, str]:
    """GET `url` as a browser does (with `cookie`); (status, headers, body)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def install(bot: Harness, slack: FakeSlack, team: str, **workspace: str) -> str:
    """Someone in `team` installs the app: opens /slack/install, follows the authorize link, clicks
    Allow (Slack redirects to /slack/oauth_redirect with a code and the state). Returns the
    authorize URL the install page pointed at."""
    code = slack.add_workspace(team, **workspace)
    status, headers, page = get(bot.web.url + "/slack/install")
    assert status == 200
    found = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert found, page
    link = html.unescape(found[1])
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["state"][0]
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie == f"slack-app-oauth-state={state}"
    query = urllib.parse.urlencode({"code": code, "state": state})
    status, _, page = get(f"{bot.web.url}/slack/oauth_redirect?{query}", cookie=cookie)
    assert status == 200 and "Thank you!" in page, page
    return link


def send_from(
    bot: Harness, slack: FakeSlack, team: str, event: dict[str, Any], *, enterprise: str | None = None
) -> None:
    """`event` happens in workspace `team` (whose bot user is `U0BOT<team>`; part of the Enterprise Grid
    org `enterprise`, if given): the message is posted in the fake Slack, then delivered signed, as
    Slack delivers that workspace's events."""
    slack.add_message(
        event["channel"], text=event["text"], user=event["user"], ts=event["ts"], **_file_fields(event)
    )
    body = envelope({**event, "team": team})
    body["team_id"] = team
    bot_user = BOT_USER if team == TEAM else f"U0BOT{team}"
    body["authorizations"][0].update(team_id=team, user_id=bot_user, enterprise_id=enterprise)
    if enterprise:
        body["enterprise_id"] = enterprise
    status, _ = bot.post(body)
    assert status == 200, status


def _file_fields(event: dict[str, Any]) -> dict[str, Any]:
    return {k: event[k] for k in ("files", "subtype") if k in event}


def app_event(bot: Harness, team: str, event: dict[str, Any]) -> None:
    """Deliver an event that carries no message (app_uninstalled, tokens_revoked) from `team`."""
    body = envelope({**event, "event_ts": f"{time.time():.6f}"})
    body["team_id"] = team
    body["authorizations"][0].update(team_id=team, user_id=T2_BOT)
    status, _ = bot.post(body)
    assert status == 200, status


def tokens_in(slack: FakeSlack, channel: str) -> set[str | None]:
    """The tokens of every call that posted or reacted in `channel`."""
    methods = (*REPLY_CALLS, "reactions.add", "reactions.remove")
    return {c.token for c in slack.calls() if c.method in methods and c.body.get("channel") == channel}


def test_a_second_workspace_installs_and_is_answered_with_its_own_token(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """/slack/install → Slack's authorize URL with the manifest's scopes and a state; the redirect
    stores the installation; T2's link is summarized with T2's token, the first workspace's with its own."""
    link = install(app, slack, T2)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["client_id"] == [slack.client_id]
    assert query["scope"][0].split(",") == list(BOT_SCOPES)
    t2_token = slack.token_of(T2)
    assert t2_token and t2_token != BOT_TOKEN
    bot = store_of(app).find_bot(enterprise_id=None, team_id=T2)
    assert bot is not None and bot.bot_token == t2_token and bot.bot_user_id == T2_BOT

    url = web.add("/news/transit", article_html())
    theirs = message_event(f"Worth a read <{url}>", channel="C0THEIRS")
    ours = message_event(f"Also here <{url}>", channel="C0OURS")
    send_from(app, slack, T2, theirs)
    send_from(app, slack, TEAM, ours)
    app.wait_queued(2)
    app.work()
    assert len(slack.bot_replies("C0THEIRS", theirs["ts"])) == 1
    assert len(slack.bot_replies("C0OURS", ours["ts"])) == 1
    assert tokens_in(slack, "C0THEIRS") == {t2_token}
    assert tokens_in(slack, "C0OURS") == {BOT_TOKEN}


def test_a_workspace_of_an_enterprise_grid_org_is_answered_with_its_token(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """A workspace that belongs to an Enterprise Grid org installs the app on itself: its installation
    is stored under the org and the workspace, its events carry the org's id, and the worker finds its
    token by the job's workspace all the same (a job used to be dropped there as "not installed")."""
    grid = "T0GRIDSPACE"
    install(app, slack, grid, enterprise_id="E0ORG")
    bot = store_of(app).find_bot(enterprise_id="E0ORG", team_id=grid)
    assert bot is not None and bot.bot_token == slack.token_of(grid)
    url = web.add("/news/transit", article_html())
    event = message_event(f"Worth a read <{url}>", channel="C0GRID")
    send_from(app, slack, grid, event, enterprise="E0ORG")
    app.wait_queued(1)
    app.work()
    (reply,) = slack.bot_replies("C0GRID", event["ts"])
    assert "Council approves transit plan" in str(reply.get("blocks"))
    assert tokens_in(slack, "C0GRID") == {slack.token_of(grid)}


def test_a_link_in_a_slack_connect_channel_is_answered_in_the_installed_workspace(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """In a Slack Connect channel another organization shares with us, the event's top-level team_id
    names that organization's workspace; the installation it is delivered for is ours
    (`authorizations[0]`, which Bolt authorizes by). The job is ours: answered with our token."""
    url = web.add("/news/transit", article_html())
    event = message_event(f"Worth a read <{url}>", channel="C0SHARED")
    slack.add_message(event["channel"], text=event["text"], user=event["user"], ts=event["ts"])
    body = envelope({**event, "team": "T0OTHERORG"})
    body |= {"team_id": "T0OTHERORG", "is_ext_shared_channel": True}
    status, _ = app.post(body)
    assert status == 200
    app.wait_queued(1)
    app.work()
    (reply,) = slack.bot_replies("C0SHARED", event["ts"])
    assert "Council approves transit plan" in str(reply.get("blocks"))
    assert tokens_in(slack, "C0SHARED") == {BOT_TOKEN}


def test_a_file_from_the_second_workspace_is_downloaded_with_its_token(
    app: Harness, slack: FakeSlack
) -> None:
    """A file shared in T2 is downloaded with T2's token (the pipeline's downloads follow the job)."""
    install(app, slack, T2)
    file = slack.add_file("notes.txt", ARTICLE_TEXT.encode(), "text/plain", "text")
    event = message_event("", channel="C0THEIRS", subtype="file_share", files=[file])
    send_from(app, slack, T2, event)
    app.wait_queued(1)
    app.work()
    assert len(slack.bot_replies("C0THEIRS", event["ts"])) == 1
    assert [d.headers.get("authorization") for d in slack.downloads] == [f"Bearer {slack.token_of(T2)}"]


def test_uninstall_deletes_the_installation_and_drops_its_queued_jobs(
    app: Harness, slack: FakeSlack, web: FakeWeb, caplog: pytest.LogCaptureFixture
) -> None:
    """app_uninstalled from T2: its installation is gone, its queued job is dropped without a post,
    and the first workspace's job is answered as usual."""
    install(app, slack, T2)
    t2_token = slack.token_of(T2)
    url = web.add("/news/transit", article_html())
    theirs = message_event(f"<{url}>", channel="C0THEIRS")
    ours = message_event(f"<{url}>", channel="C0OURS")
    send_from(app, slack, T2, theirs)
    send_from(app, slack, TEAM, ours)
    app.wait_queued(2)
    wait_for(lambda: "hourglass_flowing_sand" in slack.reactions("C0THEIRS", theirs["ts"]))

    slack.revoke(T2)  # Slack revokes the workspace's tokens, then tells the app
    app_event(app, T2, {"type": "app_uninstalled"})
    store = store_of(app)
    wait_for(lambda: store.find_installation(enterprise_id=None, team_id=T2) is None)  # deleted last
    assert store.find_bot(enterprise_id=None, team_id=T2) is None
    assert store.find_bot(enterprise_id=None, team_id=TEAM) is not None

    before = len(slack.calls())
    with caplog.at_level(logging.INFO, logger="bot.pipeline"):
        app.work()
    assert slack.bot_replies("C0THEIRS", theirs["ts"]) == []
    assert not [c for c in slack.calls()[before:] if c.token == t2_token]
    assert any(f"workspace {T2} has no installation" in r.getMessage() for r in caplog.records)
    assert len(slack.bot_replies("C0OURS", ours["ts"])) == 1


def test_revoked_bot_token_deletes_the_bot_and_drops_its_jobs(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """tokens_revoked naming T2's bot deletes its bot; its queued job is dropped without a post."""
    install(app, slack, T2)
    theirs = message_event(f"<{web.add('/a', article_html())}>", channel="C0THEIRS")
    send_from(app, slack, T2, theirs)
    app.wait_queued(1)
    slack.revoke(T2)
    app_event(app, T2, {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [T2_BOT]}})
    wait_for(lambda: store_of(app).find_bot(enterprise_id=None, team_id=T2) is None)
    app.work()
    assert slack.bot_replies("C0THEIRS", theirs["ts"]) == []
    assert not slack.calls("chat.postMessage")


def test_a_digest_of_an_uninstalled_workspace_ends_its_schedule(app: Harness, slack: FakeSlack) -> None:
    """T2 set a daily digest, then uninstalled: when it next fires, the worker posts nothing with T2's
    token and ends T2's schedule; the first workspace's digest stays scheduled."""
    install(app, slack, T2)
    t2_token = slack.token_of(T2)
    daily = Schedule(period="daily", hour=9, minute=0)
    for team, channel in ((T2, "C0THEIRS"), (TEAM, "C0OURS")):
        setting = DigestSetting(daily, team, channel, "", "U0ALICE")
        app.redis.hset(keys.DIGESTS, setting.name, setting.to_json())
        app.redis.zadd(keys.DIGESTS_DUE, {setting.name: int(time.time()) - 60})  # due a minute ago
    slack.revoke(T2)
    app_event(app, T2, {"type": "app_uninstalled"})
    wait_for(lambda: store_of(app).find_bot(enterprise_id=None, team_id=T2) is None)
    before = len(slack.calls())
    app.work()  # the worker fires what is due as it starts, then runs the queued digests
    assert app.redis.zscore(keys.DIGESTS_DUE, schedule_name(T2, "C0THEIRS")) is None
    assert not app.redis.hexists(keys.DIGESTS, schedule_name(T2, "C0THEIRS"))
    assert (app.redis.zscore(keys.DIGESTS_DUE, schedule_name(TEAM, "C0OURS")) or 0) > time.time()
    assert not [c for c in slack.calls()[before:] if c.token == t2_token]


def test_an_expiring_token_is_refreshed_by_the_web_process_before_use(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """With token rotation, an event from a workspace whose token expires within two hours refreshes
    it first (oauth.v2.access, grant_type=refresh_token); the new token is stored and used."""
    slack.rotation, slack.token_lifetime = True, 3600  # under the two hours Bolt's rotation allows
    install(app, slack, T2)
    old = slack.token_of(T2)
    slack.token_lifetime = 43_200
    theirs = message_event(f"<{web.add('/a', article_html())}>", channel="C0THEIRS")
    send_from(app, slack, T2, theirs)
    app.wait_queued(1)
    app.work()
    new = slack.token_of(T2)
    assert new != old
    refreshes = [c for c in slack.calls("oauth.v2.access") if c.body.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert tokens_in(slack, "C0THEIRS") == {new}
    bot = store_of(app).find_bot(enterprise_id=None, team_id=T2)
    assert bot is not None and bot.bot_token == new


def test_the_worker_refreshes_a_token_that_expires_before_it_runs_the_job(
    app: Harness, slack: FakeSlack, web: FakeWeb
) -> None:
    """A job queued with a fresh token runs after the token came near its expiry: the worker refreshes
    it (and stores the new one) before posting with it."""
    slack.rotation = True
    install(app, slack, T2)
    old = slack.token_of(T2)
    theirs = message_event(f"<{web.add('/a', article_html())}>", channel="C0THEIRS")
    send_from(app, slack, T2, theirs)
    app.wait_queued(1)
    store = store_of(app)
    bot = store.find_bot(enterprise_id=None, team_id=T2)
    assert bot is not None and bot.bot_refresh_token
    bot.bot_token_expires_at = int(time.time()) + 600  # time passes: ten minutes left
    store.save_bot(bot)
    app.work()
    new = slack.token_of(T2)
    assert new != old
    assert {c.token for c in slack.calls() if c.method in REPLY_CALLS} == {new}
    saved = store.find_bot(enterprise_id=None, team_id=T2)
    assert saved is not None and saved.bot_token == new


def test_a_job_whose_token_slack_revoked_before_the_uninstall_event_ends_quietly(
    app: Harness, slack: FakeSlack, web: FakeWeb, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack revoked T2's token but the app_uninstalled event has not arrived: the job's reply is
    refused (token_revoked) and the job ends with an INFO line, without telling anyone."""
    install(app, slack, T2)
    theirs = message_event(f"<{web.add('/a', article_html())}>", channel="C0THEIRS")
    send_from(app, slack, T2, theirs)
    app.wait_queued(1)
    slack.revoke(T2)
    with caplog.at_level(logging.INFO, logger="bot.pipeline"):
        app.work()
    assert slack.bot_replies("C0THEIRS", theirs["ts"]) == []
    assert not slack.ephemerals() and not slack.calls("conversations.open")
    assert any("token is gone (token_revoked); dropped" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "bot.pipeline"]
