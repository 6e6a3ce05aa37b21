"""Load on the web process: N signed events per second, acknowledgement latency and jobs queued.

Runs our real front door (waitress + Bolt + listeners enqueuing into a real Redis) beside a bare Bolt
app that only acknowledges, both served the same way and measured in the same run, on loopback.

    python bench/load.py [--rate 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import redis
import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.processes.web import create_app, make_web_client  # noqa: E402
from bot.queue.keys import STREAM  # noqa: E402
from bot.queue.stream import SyncQueue  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.slack.front_door import wsgi_app  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.redis_server import start_redis  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-test-token"


def serve(wsgi: Any) -> tuple[Any, str]:
    server = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}/slack/events"


def stop(server: Any) -> None:
    """Close the server from its own loop thread (closing from outside races its select())."""
    server.trigger.pull_trigger(lambda: [c.handle_close() for c in list(server._map.values())])
    server.task_dispatcher.shutdown()


def event_body(n: int) -> bytes:
    event = {
        "type": "message",
        "channel": "C0LOAD",
        "user": f"U{n % 50:04d}",
        "channel_type": "channel",
        "text": f"read <https://example.com/story/{n}>",
        "ts": f"1700000000.{n:06d}",
    }
    body = {
        "type": "event_callback",
        "team_id": "T0FAKE",
        "api_app_id": "A0",
        "event": event,
        "event_id": f"Ev{n:08d}",
        "event_time": 1700000000,
        "authorizations": [{"team_id": "T0FAKE", "user_id": "U0BOT", "is_bot": True}],
    }
    return json.dumps(body).encode()


def post(url: str, body: bytes) -> float:
    import urllib.request

    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body.decode())
        or "",
    }
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=10) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(r.status)
    return time.perf_counter() - started


def run_load(url: str, *, rate: int, seconds: float, offset: int) -> tuple[list[float], int]:
    """Open loop: one request every 1/rate s, whatever the answers; returns latencies and errors."""
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.perf_counter()
        futures = []
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post, url, event_body(offset + i)))
        for f in futures:
            try:
                latencies.append(f.result())
            except Exception:
                errors += 1
    return latencies, errors


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=200, help="events per second")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    logging.basicConfig(level=logging.ERROR)  # the fake Slack has no such messages to react to
    redis_server = start_redis()
    with FakeSlack(bot_token=TOKEN) as slack:
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.url + "/api/",
            redis_url=redis_server.url,
            user_jobs_per_hour=0,
            channel_jobs_per_hour=0,
        )
        client = redis.Redis.from_url(redis_server.url)
        queue = SyncQueue(client)
        ours = create_app(settings, client=make_web_client(settings), queue=queue)
        ours_server, ours_url = serve(wsgi_app(ours, signing_secret=SECRET, healthy=queue.ping))
        bare = App(client=WebClient(token=TOKEN, base_url=slack.url + "/api/"), signing_secret=SECRET)
        bare.event("message")(lambda: None)
        bare_server, bare_url = serve(SlackRequestHandler(bare))
        results = {}
        queued = 0
        for name, url, offset in (("bare Bolt (ack only)", bare_url, 0), ("summarizer web", ours_url, 10**6)):
            run_load(url, rate=min(args.rate, 50), seconds=1, offset=offset + 900_000)  # warm-up
            time.sleep(0.5)
            before = int(client.xlen(STREAM))
            results[name] = run_load(url, rate=args.rate, seconds=args.seconds, offset=offset)
            time.sleep(1)  # listeners run after the ack: let the last enqueues land
            queued = int(client.xlen(STREAM)) - before
        print(f"{args.rate} events/s for {args.seconds:.0f} s, signed, loopback, real Redis")
        print(f"{'app':<22} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
        for name, (lat, errors) in results.items():
            print(f"{name:<22} {pct(lat, 0.5):8.1f} {pct(lat, 0.99):8.1f} {max(lat) * 1000:8.1f} {errors:7d}")
        bare_p50 = statistics.median(results["bare Bolt (ack only)"][0])
        ours_p50 = statistics.median(results["summarizer web"][0])
        print(f"p50 ratio summarizer/bare: {ours_p50 / bare_p50:.2f}")
        print(f"jobs queued: {queued} of {int(args.rate * args.seconds)} events")
        stop(ours_server)
        stop(bare_server)
        client.close()
    redis_server.stop()


if __name__ == "__main__":
    main()
