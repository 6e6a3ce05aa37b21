"""The installations database: scopes in step with the manifest, DATABASE_URL as platforms give it, and
slack_sdk's SQLAlchemy stores with the worker's token lookup on SQLite always and on a throwaway
Postgres cluster where its binaries are installed."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.settings import Settings
from bot.slack.installs import BOT_SCOPES, database_url, oauth_enabled, open_installs
from bot.slack.tokens import TeamTokens, current_token
from tests.fakes.slack_api import FakeSlack
from tests.paths import ROOT
from tests.postgres_server import PostgresServer, missing, start_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A Postgres cluster of this session's own (skips where initdb/pg_ctl/postgres are missing)."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """DATABASE_URL of a fresh, empty database in the session's cluster (as `postgresql://`)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host=str(postgres_server.workdir), port=postgres_server.port, user="postgres", autocommit=True
    ) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres_server.url.replace("/postgres?", f"/{name}?")


@pytest.fixture(params=["sqlite", "postgres"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path, slack: FakeSlack) -> Settings:
    """OAuth settings against the fake Slack, with installations in SQLite (DATABASE_URL unset) or
    in Postgres."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    return Settings(
        slack_client_id=slack.client_id,
        slack_client_secret=slack.client_secret,
        slack_api_url=slack.url + "/api/",
        database_url=url,
        data_dir=tmp_path / "data",
    )


def manifest_bot_scopes() -> list[str]:
    """`oauth_config.scopes.bot` of manifest.yml, in order."""
    text = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    block = re.search(r"^    bot:\n((?:      - .*\n)+)", text, re.MULTILINE)
    assert block
    return re.findall(r"^      - ([\w:.]+)", block[1], re.MULTILINE)


def test_an_install_asks_for_exactly_the_manifests_bot_scopes() -> None:
    """BOT_SCOPES is the manifest's bot scope list, in its order."""
    assert list(BOT_SCOPES) == manifest_bot_scopes()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example.com:5432/app", "postgresql+psycopg://u:p@db.example.com:5432/app"),
        ("postgresql://u:p@db/app?sslmode=require", "postgresql+psycopg://u:p@db/app?sslmode=require"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////var/lib/bot/installs.db", "sqlite:////var/lib/bot/installs.db"),
    ],
)
def test_database_urls_are_normalised_for_sqlalchemy(given: str, used: str) -> None:
    """Platform-style `postgres://` and plain `postgresql://` URLs use psycopg 3; others stay as given."""
    assert database_url(Settings(database_url=given)) == used


def test_without_database_url_installations_go_to_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    """Unset DATABASE_URL: a SQLite file inside SUMMARIZER_DATA_DIR (created when missing)."""
    url = database_url(Settings(data_dir=tmp_path / "new"))
    assert url == f"sqlite:///{(tmp_path / 'new').resolve()}/installations.sqlite3"
    assert (tmp_path / "new").is_dir()


def test_oauth_is_on_only_with_both_credentials() -> None:
    """Client id and secret together turn OAuth installs on; either alone does not."""
    assert oauth_enabled(Settings(slack_client_id="1.2", slack_client_secret="s"))
    assert not oauth_enabled(Settings(slack_client_id="1.2"))
    assert not oauth_enabled(Settings(slack_bot_token="xoxb-1"))


def installation(team: str, token: str, **extra: object) -> Installation:
    """An installation as Bolt's redirect handler builds it from oauth.v2.access."""
    return Installation(
        app_id="A0FAKE",
        team_id=team,
        team_name=f"Workspace {team}",
        bot_token=token,
        bot_id=f"B{team}",
        bot_user_id=f"U{team}",
        bot_scopes=list(BOT_SCOPES),
        user_id="U0INSTALLER",
        **extra,  # type: ignore[arg-type]
    )


def test_installations_and_states_are_stored_found_and_deleted(db_settings: Settings) -> None:
    """Each workspace's bot is found by team; deleting one leaves the other; a state is used once."""
    installs = open_installs(db_settings)
    try:
        store = installs.installations
        store.save(installation("T1", "xoxb-one"))
        store.save(installation("T2", "xoxb-two"))
        found = store.find_bot(enterprise_id=None, team_id="T2")
        assert found is not None and found.bot_token == "xoxb-two" and found.bot_user_id == "UT2"
        store.delete_bot(enterprise_id=None, team_id="T2")
        assert store.find_bot(enterprise_id=None, team_id="T2") is None
        store.delete_all(enterprise_id=None, team_id="T2")
        assert store.find_installation(enterprise_id=None, team_id="T2") is None
        assert store.find_bot(enterprise_id=None, team_id="T1") is not None
        state = installs.states.issue()
        assert installs.states.consume(state) and not installs.states.consume(state)
        open_installs(db_settings).close()  # a second process finds the tables already there
    finally:
        installs.close()


def test_the_worker_refreshes_an_expiring_token_and_stores_it(
    db_settings: Settings, slack: FakeSlack
) -> None:
    """TeamTokens finds a workspace's token, refreshes it through oauth.v2.access when it expires
    within two hours, stores the new one and sets it for the task; an unknown team has none."""
    slack.rotation = True
    code = slack.add_workspace("T2")  # the code Slack's redirect carries
    granted = WebClient(base_url=slack.url + "/api/").oauth_v2_access(
        client_id=slack.client_id, client_secret=slack.client_secret, code=code
    )
    tokens = TeamTokens.open(db_settings)
    assert tokens is not None
    try:
        tokens.store.save(
            installation(
                "T2",
                granted["access_token"],
                bot_refresh_token=granted["refresh_token"],
                bot_token_expires_at=int(time.time()) + 600,
            )
        )

        async def lookup() -> tuple[bool, str | None, bool]:
            used = await tokens.use("T2")
            return used, current_token(None), await tokens.use("T404")

        used, current, unknown = asyncio.run(lookup())
        assert used and not unknown
        assert current == slack.token_of("T2") != granted["access_token"]
        saved = tokens.store.find_bot(enterprise_id=None, team_id="T2")
        assert saved is not None and saved.bot_token == current
        assert saved.bot_token_expires_at is not None and saved.bot_token_expires_at > time.time() + 40_000
    finally:
        tokens.close()


def test_settings_without_credentials_open_no_token_lookup(tmp_path: Path) -> None:
    """With one SLACK_BOT_TOKEN the worker looks nothing up (every job uses that token)."""
    assert TeamTokens.open(replace(Settings(data_dir=tmp_path), slack_bot_token="xoxb-1")) is None
