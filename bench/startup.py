"""Start-up weight of the web process beside bare Bolt + redis + slack_sdk, measured in the same run.

Each sample is a fresh interpreter that imports what the process imports and builds the app (Bolt calls
`auth.test` on a local fake Slack; the Redis client is created but not connected), then reports its
import-and-build time, its module count and its resident memory. "ours" is `summarizer web`'s path
(CLI, settings, the Bolt app with our listeners, the WSGI front door, waitress); "bare" is a Bolt app
with one no-op listener, a redis client and a slack_sdk client. Prints medians and ratios (target ≤ 1.3×).

    python bench/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import FakeSlack  # noqa: E402

TOKEN = "xoxb-test-token"

MEASURE = """
import json, sys, time
started = time.perf_counter()
{body}
elapsed = time.perf_counter() - started
rss_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
print(json.dumps({{"seconds": elapsed, "modules": len(sys.modules), "rss_mb": rss_kb / 1024}}))
"""

BARE = """
import redis
import slack_sdk
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
app = App(client=slack_sdk.WebClient(token=TOKEN, base_url=API), signing_secret="s")
app.event("message")(lambda: None)
handler = SlackRequestHandler(app)
client = redis.Redis.from_url("redis://127.0.0.1:1/0")
"""

OURS = """
import waitress
from bot.cli import build_parser
from bot.settings import Settings
from bot.processes.web import create_app, make_web_client
from bot.queue.connect import connect
from bot.queue.stream import SyncQueue
from bot.slack.front_door import wsgi_app
settings = Settings.from_env({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": API,
                              "REDIS_URL": "redis://127.0.0.1:1/0"})
queue = SyncQueue(connect(settings).sync_client())
app = create_app(settings, client=make_web_client(settings), queue=queue)
wsgi = wsgi_app(app, signing_secret="s", healthy=queue.ping)
build_parser()
"""


def sample(body: str, api: str) -> dict[str, float]:
    """One fresh interpreter running `body`; its time, module count and RSS."""
    code = MEASURE.format(body=f"TOKEN, API = {TOKEN!r}, {api!r}\n" + body)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with FakeSlack(bot_token=TOKEN, team_id="T0BENCH", bot_user_id="U0BOT") as slack:
        api = slack.url + "/api/"
        runs = {"bare": [], "ours": []}  # type: dict[str, list[dict[str, float]]]
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            runs["bare"].append(sample(BARE, api))
            runs["ours"].append(sample(OURS, api))
    medians = {
        name: {key: statistics.median(r[key] for r in samples) for key in ("seconds", "modules", "rss_mb")}
        for name, samples in runs.items()
    }
    print(f"web process start-up, median of {args.runs} fresh interpreters each:")
    print(f"  {'':6} {'import+build':>13} {'modules':>8} {'RSS':>9}")
    for name in ("bare", "ours"):
        m = medians[name]
        print(f"  {name:6} {m['seconds'] * 1000:>10.0f} ms {m['modules']:>8.0f} {m['rss_mb']:>6.1f} MB")
    ratio = {key: medians["ours"][key] / medians["bare"][key] for key in ("seconds", "modules", "rss_mb")}
    figures = f"{ratio['seconds']:>12.2f}× {ratio['modules']:>7.2f}× {ratio['rss_mb']:>8.2f}×"
    print(f"  ratio  {figures}  (target ≤ 1.30×)")


if __name__ == "__main__":
    main()
