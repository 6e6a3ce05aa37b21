"""Settings: defaults, validation with one-line messages, and the CLI's handling of bad configuration."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.models import SummarySpec
from bot.queue.jobs import Job, SlackFile
from bot.settings import DEFAULT_SLACK_API_URL, Settings
from bot.settings_docs import env_example, markdown_table
from bot.summary.claude import default_model
from tests.paths import ROOT


def test_defaults_need_nothing() -> None:
    """With an empty environment every setting has a working default (offline, embedded Redis)."""
    s = Settings.from_env({})
    assert s.offline and s.redis_url is None and s.slack_api_url == DEFAULT_SLACK_API_URL
    assert s.worker_concurrency >= 20 and not s.allow_private_urls
    assert s.anthropic_model is None  # the worker asks the SDK for its newest Sonnet


def test_default_model_is_a_current_sonnet() -> None:
    """The default model is a Sonnet the installed SDK lists and does not mark deprecated."""
    from anthropic.resources.messages import messages

    deprecated = getattr(messages, "DEPRECATED_MODELS", {})

    model = default_model()
    assert "sonnet" in model and model not in deprecated


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"SLACK_API_URL": "not a url"}, "SLACK_API_URL"),
        ({"SUMMARIZER_ALLOW_PRIVATE_URLS": "maybe"}, "SUMMARIZER_ALLOW_PRIVATE_URLS"),
        ({"SUMMARIZER_WORKER_CONCURRENCY": "0"}, "SUMMARIZER_WORKER_CONCURRENCY"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SUMMARIZER_REACTION_EMOJI": "📝"}, "SUMMARIZER_REACTION_EMOJI"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], names: str) -> None:
    """Each malformed value raises ConfigError whose message names the variable."""
    with pytest.raises(ConfigError, match=names):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("raw", "emoji"),
    [(None, "memo"), (":eyes:", "eyes"), ("Thumbsup::skin-tone-2", "thumbsup::skin-tone-2"), ("", ""),
     ("off", ""), ("  ", "")],
)  # fmt: skip
def test_the_reaction_emoji_takes_colons_and_empty_or_off_turns_it_off(raw: str | None, emoji: str) -> None:
    """Unset: 📝; a name with or without colons; set but empty, or `off`: the trigger is off."""
    env = {} if raw is None else {"SUMMARIZER_REACTION_EMOJI": raw}
    assert Settings.from_env(env).reaction_emoji == emoji


def test_slack_file_hosts_include_a_custom_api_host() -> None:
    """The token may go to Slack's file hosts (files-origin.slack.com: where an Enterprise Grid org's
    downloads may redirect), and to SLACK_API_URL's host:port when one is set."""
    slack = {"files.slack.com", "files-origin.slack.com"}
    assert Settings.from_env({}).slack_file_hosts == slack
    custom = Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:8123/api"})
    assert custom.slack_file_hosts == slack | {"127.0.0.1:8123"}
    assert custom.slack_api_url.endswith("/api/")


def test_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    """`summarizer worker` with a malformed setting prints one line naming it and exits 2, no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SUMMARIZER_JOB_LEASE_SECONDS": "soon"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "summarizer: configuration error: SUMMARIZER_JOB_LEASE_SECONDS must be a whole number, got 'soon'"
    ]


def test_cli_names_a_missing_token(tmp_path: Path) -> None:
    """`summarizer worker` without a bot token says which variable to set."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "worker"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 2 and "SLACK_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_job_json_round_trip() -> None:
    """A job survives serialization unchanged, files and requests included."""
    job = Job(
        id="j",
        kind="file",
        team="T",
        channel="C",
        message_ts="1.2",
        thread_ts="1.2",
        user="U",
        source="file:F1",
        file=SlackFile(id="F1", name="a.pdf", size=3),
        spec=SummarySpec(words=200, paragraphs=2, style_notes=("for executives",)),
    )
    assert Job.from_json(job.to_json()) == job


def test_every_setting_is_declared_with_its_variable_and_description() -> None:
    """Each field names its environment variable and says what it does; variables are unique."""
    specs = dataclasses.fields(Settings)
    names = [spec.metadata["env"] for spec in specs]
    assert len(set(names)) == len(names) == len(specs)
    assert all(spec.metadata["doc"].strip().endswith(".") for spec in specs)


def test_env_example_and_readme_are_generated_from_the_declarations() -> None:
    """`.env.example` and the README's settings table are what `make docs` writes from `Settings`."""
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == env_example(), "run `make docs`"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "run `make docs`"


def test_defaults_written_in_env_example_parse_back_to_the_defaults() -> None:
    """Uncommenting every default line of `.env.example` changes nothing."""
    env = {}
    for line in env_example().splitlines():
        match = re.fullmatch(r"# ([A-Z_]+)=(.+)", line)
        if match:
            env[match.group(1)] = match.group(2)
    assert len(env) > 20
    assert Settings.from_env(env) == Settings()


def test_limits_objects_carry_the_settings() -> None:
    """I/O code gets small limit objects, built from the settings, instead of the whole Settings."""
    s = Settings.from_env({"SUMMARIZER_MAX_PAGES": "7", "SUMMARIZER_MAX_DOWNLOAD_BYTES": "5000"})
    assert s.extract_limits.max_pages == 7 and s.fetch_limits.max_bytes == 5000
    assert s.fetch_limits.slack_file_hosts == s.slack_file_hosts
