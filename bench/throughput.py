"""Throughput: N shared links through the real `summarizer web` and K `summarizer worker` processes.

Black box, as in production: a real Redis, the fake Slack and Messages API (every model call takes
`--latency` seconds), pages from a local server, the events signed and posted to the web process. For
each scenario prints wall time against the ideal N·L/(K·concurrency), jobs/s, worker CPU per job (its
extraction children included), peak RSS of a worker and of its largest child, model calls (must equal N)
and replies (one per job: none missing, none duplicated), ❌ replies and ERROR lines in the workers' logs.

Scenarios (`--only` picks some):
- `synthetic`: N distinct small article pages, the default concurrency;
- `repeat`: the same N links shared again in new messages: the summary cache answers, 0 model calls;
- `concurrency`: N pages at `--high-concurrency` (256): no errors, RSS per worker;
- `real`: the saved real news pages of ../shared/data/extraction (~160 KB of HTML each), summary cache
  off, parsed in the worker's threads (as before extraction had its own processes) and in its process
  pool, measured in the same run: the ratio of jobs/s is the gain.

Targets on a 2-core machine: synthetic ≤ 1.15× ideal; real pages ≥ 1.8× the threads' jobs/s; zero
errors at concurrency 256; RSS < 250 MB per worker; 0 model calls on the repeat.

    python bench/throughput.py [--jobs 2000] [--real-jobs 600] [--workers 1] [--only synthetic,repeat]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.articles import article_html  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropic  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.web import FakeWeb  # noqa: E402
from tests.harness import BOT_TOKEN, BOT_USER, SIGNING_SECRET, TEAM, envelope, signed_post  # noqa: E402
from tests.redis_server import free_port, start_redis  # noqa: E402

REAL_PAGES = ROOT.parent / "shared" / "data" / "extraction" / "html"
DONE, FAILED = "white_check_mark", "x"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_ts = itertools.count(1)


@dataclass
class Scenario:
    """One measured run: what is sent and how the workers are set up."""

    name: str
    jobs: int
    workers: int
    concurrency: int
    latency: float
    pages: str  # "synthetic" or "real"
    cache: bool = True
    extract_processes: int | None = None  # None: the default (one per core)
    repeat: bool = False  # share the links once first (filling the summary cache), then measure again
    read_ahead: int | None = None  # None: the default


@dataclass
class Result:
    """What one scenario measured."""

    wall: float
    ideal: float
    cpu_per_job_ms: float
    rss_mb: float
    child_rss_mb: float
    cores_busy: dict[str, float]  # CPU seconds / wall seconds, per part of the run (harness = the fakes)
    model_calls: int
    replies: int
    missing: int
    duplicated: int
    failed: int
    errors: int


class Processes:
    """Peak RSS and CPU time of the worker processes and their children, sampled while they run."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.child_of: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.sample()

    def sample(self) -> None:
        for pid in self.pids:
            for proc in (pid, *descendants(pid)):
                if proc != pid:
                    self.child_of[proc] = pid
                stat = read_stat(proc)
                if stat is not None:
                    self.cpu[proc], rss = stat
                    self.rss[proc] = max(self.rss.get(proc, 0), rss)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.extend([child, *descendants(child)])
    return found


def read_stat(pid: int) -> tuple[float, int] | None:
    """(CPU seconds used, peak resident bytes) of `pid`, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
    return cpu, int(hwm) * 1024


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by `pid` (0 once it is gone)."""
    stat = read_stat(pid)
    return stat[0] if stat is not None else 0.0


def print_calls(slack: FakeSlack, redis_url: str, jobs: int) -> None:
    """Slack Web API calls and Redis commands per job, by name (BENCH_CALLS=1)."""
    import collections

    import redis

    methods = collections.Counter(call.method for call in slack.calls())
    print("  Slack calls per job:", ", ".join(f"{m} {n / jobs:.2f}" for m, n in methods.most_common()))
    client = redis.Redis.from_url(redis_url)
    try:
        stats = client.info("commandstats")
    finally:
        client.close()
    commands = sorted(
        ((k.removeprefix("cmdstat_"), v["calls"]) for k, v in stats.items()), key=lambda c: -c[1]
    )
    print("  Redis commands per job:", ", ".join(f"{name} {n / jobs:.2f}" for name, n in commands[:16]))


def redis_pid(server: Any) -> int:
    return int(server.process.pid) if server.process is not None else 0


def own_cpu() -> float:
    """CPU seconds used so far by this process: the fakes of Slack, the Messages API and the web, and the
    sender of events, all threads of it."""
    times = os.times()
    return times.user + times.system


def environment(redis_url: str, slack: FakeSlack, claude: FakeAnthropic, data_dir: str) -> dict[str, str]:
    """The production-style environment both processes get."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "SUMMARIZER_"))}
    return {
        **keep,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url + "/api/",
        "ANTHROPIC_API_KEY": "sk-ant-bench",
        "ANTHROPIC_BASE_URL": claude.url,
        "ANTHROPIC_MODEL": "claude-sonnet-5-5",
        "REDIS_URL": redis_url,
        "SUMMARIZER_ALLOW_PRIVATE_URLS": "true",
        "SUMMARIZER_USER_JOBS_PER_HOUR": "0",
        "SUMMARIZER_CHANNEL_JOBS_PER_HOUR": "0",
        "SUMMARIZER_DAILY_TOKEN_BUDGET": "0",
        "SUMMARIZER_DATA_DIR": data_dir,
        "LOG_LEVEL": "INFO",
    }


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, stderr=out, stdout=out
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def wait_until(predicate: Any, *, timeout: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(every)


def web_up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def link_event(url: str, n: int) -> dict[str, Any]:
    ts = f"1710000{next(_ts):06d}.000100"
    return {
        "type": "message",
        "channel": f"C{n % 40:04d}BENCH",
        "user": f"U{n % 97:04d}",
        "text": f"<{url}>",
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        "team": TEAM,
    }


def reactions(slack: FakeSlack, name: str) -> int:
    return sum(1 for call in slack.calls("reactions.add") if call.body.get("name") == name)


def real_pages() -> list[bytes]:
    if not REAL_PAGES.is_dir():
        return []
    return [gzip.decompress(p.read_bytes()) for p in sorted(REAL_PAGES.glob("*.html.gz"))]


def run(scenario: Scenario, *, pages: list[bytes]) -> tuple[Result, list[str]]:
    """Run one scenario on fresh servers; its result and the links it shared."""
    redis_server = start_redis()
    slack = FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM, bot_user_id=BOT_USER)
    with tempfile.TemporaryDirectory() as tmp, slack, FakeAnthropic() as claude, FakeWeb() as web:
        claude.delay(scenario.latency)
        links = [
            web.add(f"/story/{n}", article_html(f"Story number {n}"))
            if scenario.pages == "synthetic"
            else web.add(f"/real/{n}", pages[n % len(pages)])
            for n in range(scenario.jobs)
        ]
        env = environment(redis_server.url, slack, claude, tmp)
        port = free_port()
        worker_env = {
            **env,
            "SUMMARIZER_WORKER_CONCURRENCY": str(scenario.concurrency),
            "SUMMARIZER_SUMMARY_CACHE_HOURS": "24" if scenario.cache else "0",
        }
        if scenario.extract_processes is not None:
            worker_env["SUMMARIZER_EXTRACT_PROCESSES"] = str(scenario.extract_processes)
        if scenario.read_ahead is not None:
            worker_env["SUMMARIZER_WORKER_READ_AHEAD"] = str(scenario.read_ahead)
        with contextlib.ExitStack() as stack:
            web_process = stack.enter_context(
                process(["web"], {**env, "PORT": str(port)}, Path(tmp) / "web.log")
            )
            wait_until(lambda: web_up(port), timeout=60, what="the web process")
            if scenario.repeat:  # fill the cache as the first run did: by running the same links once
                prime(worker_env, Path(tmp) / "prime.log", port, slack, links)
                claude.reset()
                claude.delay(scenario.latency)
            logs = [Path(tmp) / f"worker-{k}.log" for k in range(scenario.workers)]
            workers = [stack.enter_context(process(["worker"], worker_env, log)) for log in logs]
            wait_for_readers(redis_server.url, scenario.workers)
            watch = Processes([w.pid for w in workers])
            done_before, failed_before = reactions(slack, DONE), reactions(slack, FAILED)
            events = [link_event(url, n) for n, url in enumerate(links)]
            others = {"web": web_process.pid, "redis": redis_pid(redis_server)}
            cpu_before = {name: cpu_seconds(pid) for name, pid in others.items()}
            harness_before = own_cpu()
            started = time.perf_counter()
            send(f"http://127.0.0.1:{port}/slack/events", events)
            wait_until(
                lambda: (
                    reactions(slack, DONE) + reactions(slack, FAILED) - done_before - failed_before
                    >= scenario.jobs
                ),
                timeout=60 + 20 * scenario.jobs * scenario.latency / scenario.concurrency + scenario.jobs,
                what="every job's reaction",
                every=0.25,  # counting copies the fake's whole call log: not too often (its lock slows Slack)
            )
            wall = time.perf_counter() - started
            watch.stop()
            busy = {name: (cpu_seconds(pid) - cpu_before[name]) / wall for name, pid in others.items()}
            busy["harness"] = (own_cpu() - harness_before) / wall
            if os.environ.get("BENCH_CALLS"):
                print_calls(slack, redis_server.url, scenario.jobs)
            counts = [len(slack.bot_replies(e["channel"], e["ts"])) for e in events]
            cpu = sum(watch.cpu.values())
            children = [rss for pid, rss in watch.rss.items() if pid in watch.child_of]
            result = Result(
                wall=wall,
                ideal=scenario.jobs * scenario.latency / (scenario.workers * scenario.concurrency),
                cpu_per_job_ms=1000 * cpu / scenario.jobs,
                cores_busy={
                    "worker": sum(c for pid, c in watch.cpu.items() if pid not in watch.child_of) / wall,
                    "children": sum(c for pid, c in watch.cpu.items() if pid in watch.child_of) / wall,
                    **busy,
                },
                rss_mb=max(watch.rss.get(w.pid, 0) for w in workers) / 2**20,
                child_rss_mb=max(children, default=0) / 2**20,
                model_calls=len(claude.requests),
                replies=sum(counts),
                missing=sum(1 for c in counts if c == 0),
                duplicated=sum(max(0, c - 1) for c in counts),
                failed=reactions(slack, FAILED) - failed_before,
                errors=sum(log.read_text(errors="replace").count(" ERROR ") for log in logs),
            )
    redis_server.stop()
    return result, links


def prime(env: dict[str, str], log: Path, port: int, slack: FakeSlack, links: list[str]) -> None:
    """Summarize `links` once (filling the summary cache), with one worker that then stops."""
    with process(["worker"], env, log):
        send(f"http://127.0.0.1:{port}/slack/events", [link_event(url, n) for n, url in enumerate(links)])
        wait_until(
            lambda: reactions(slack, DONE) + reactions(slack, FAILED) >= len(links),
            timeout=600,
            what="the first round",
        )


def readers(redis_url: str) -> int:
    """Clients of Redis whose last command was XREADGROUP: one per worker that is reading the queue (a
    consumer shows in XINFO only once it received an entry)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return sum(1 for c in client.client_list() if c.get("cmd") == "xreadgroup")
    finally:
        client.close()


def wait_for_readers(redis_url: str, count: int) -> None:
    """Wait until `count` workers read the queue (their start-up is not part of the measure)."""
    wait_until(lambda: readers(redis_url) >= count, timeout=120, what="the workers")


def send(url: str, events: list[dict[str, Any]]) -> None:
    """Post the events, signed, from 16 threads (as Slack delivers them); each must be acknowledged."""

    def post(event: dict[str, Any]) -> None:
        status, _ = signed_post(url, envelope(event))
        if status != 200:
            raise RuntimeError(f"the web process answered {status}")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(post, events))


def row(name: str, scenario: Scenario, result: Result) -> str:
    rate = scenario.jobs / result.wall
    return (
        f"{name:<24} {scenario.jobs:>5} {scenario.workers:>2} {scenario.concurrency:>5} "
        f"{result.wall:>7.1f} {result.wall / result.ideal:>6.2f}x {rate:>7.1f} {result.cpu_per_job_ms:>7.1f} "
        f"{result.rss_mb:>6.0f} {result.child_rss_mb:>6.0f} {result.model_calls:>6} {result.replies:>6} "
        f"{result.missing:>4} {result.duplicated:>4} {result.failed:>4} {result.errors:>4}  "
        + " ".join(f"{part} {cores:.2f}" for part, cores in result.cores_busy.items())
    )


HEADER = (
    f"{'scenario':<24} {'jobs':>5} {'K':>2} {'conc':>5} {'wall s':>7} {'/ideal':>7} {'jobs/s':>7} "
    f"{'cpu ms':>7} {'RSS MB':>6} {'child':>6} {'model':>6} {'reply':>6} {'miss':>4} {'dup':>4} "
    f"{'❌':>4} {'ERR':>4}  cores busy"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--real-jobs", type=int, default=600)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--high-concurrency", type=int, default=256)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--read-ahead", type=int, help="SUMMARIZER_WORKER_READ_AHEAD (default: the bot's)")
    parser.add_argument("--only", default="synthetic,repeat,concurrency,real")
    parser.add_argument("--runs", type=int, default=1, help="runs per scenario; the median is printed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    only = set(args.only.split(","))
    print(HEADER)
    figures: dict[str, Any] = {}

    def measure(name: str, scenario: Scenario, pages: list[bytes] | None = None) -> tuple[Result, list[str]]:
        runs = [run(scenario, pages=pages or []) for _ in range(args.runs)]
        runs.sort(key=lambda r: r[0].wall)
        result, links = runs[len(runs) // 2]  # the median run by wall time
        print(row(name, scenario, result), flush=True)
        figures[name] = {**result.__dict__, "jobs": scenario.jobs, "jobs_per_s": scenario.jobs / result.wall}
        return result, links

    base = Scenario("synthetic", args.jobs, args.workers, args.concurrency, args.latency, "synthetic")
    base.read_ahead = args.read_ahead
    if "synthetic" in only:
        measure("synthetic pages", base)
    if "repeat" in only:
        repeat = Scenario("repeat", args.jobs, args.workers, args.concurrency, args.latency, "synthetic")
        repeat.repeat = True
        measure("same links again", repeat)
    if "concurrency" in only:
        high = Scenario("high", args.jobs, args.workers, args.high_concurrency, args.latency, "synthetic")
        measure(f"concurrency {args.high_concurrency}", high)
    if "real" in only:
        pages = real_pages()
        if not pages:
            print(f"real pages: skipped, {REAL_PAGES} is not there")
        else:
            n = args.real_jobs
            threads, _ = measure(
                "real pages, threads",
                Scenario("real", n, args.workers, args.concurrency, args.latency, "real", False, 0),
                pages,
            )
            pool, _ = measure(
                "real pages, processes",
                Scenario("real", n, args.workers, args.concurrency, args.latency, "real", False, None),
                pages,
            )
            gain = threads.wall / pool.wall
            print(f"real pages: {gain:.2f}x the jobs/s of parsing in threads (target ≥ 1.8x)")
            figures["real_gain"] = gain
    print(
        f"(model call {args.latency} s; ideal = jobs × latency / (workers × concurrency); "
        f"the median of {args.runs} run(s) per scenario)"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
