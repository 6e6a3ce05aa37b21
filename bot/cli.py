"""`summarizer` command: web | socket | worker | summarize | extract. The only place that reads the
environment (and `.env`).

A bad setting prints one line naming it and exits with status 2; a source the bot cannot read prints
its user-facing reason and exits with status 1 (no traceback either way).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from dotenv import load_dotenv

from bot.errors import ConfigError, UserFacingError
from bot.settings import Settings


class RedactSecrets(logging.Filter):
    """Replaces every configured secret with "[redacted]" in log records, whatever logged them."""

    def __init__(self, secrets: list[str] | tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, ()
        return True


def setup_logging(settings: Settings) -> None:
    """One line per event on stderr, at LOG_LEVEL, with every configured secret redacted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(settings.secrets))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="summarizer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("web", help="serve Slack events over HTTP on $PORT at /slack/events")
    sub.add_parser("socket", help="receive Slack events over Socket Mode (needs SLACK_APP_TOKEN)")
    worker = sub.add_parser("worker", help="run summarization jobs from the queue")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    summarize = sub.add_parser("summarize", help="summarize a URL, a file, or - (stdin) and print it")
    summarize.add_argument("source", help="http(s) URL, path to a file, or - for standard input")
    extract = sub.add_parser(
        "extract", help="print the text (and with --json the metadata) the bot would summarize"
    )
    extract.add_argument("source", help="http(s) URL, path to a file, or - for standard input")
    extract.add_argument("--url", help="the page's address, when SOURCE is a saved web page")
    extract.add_argument("--json", action="store_true", help="print the whole document as JSON")
    return parser


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (Linux and macOS): the same asyncio at less CPU (on the
    throughput bench, a worker's CPU per job about 7% lower; its one loop is what bounds it on small
    pages). None (the standard loop) elsewhere."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(args: argparse.Namespace, settings: Settings) -> None:
    """Run the chosen command. Processes are imported here, so `summarizer web` never loads the worker."""
    if args.command == "web":
        from bot.processes.web import run_web

        run_web(settings)
    elif args.command == "socket":
        from bot.processes.web import run_socket

        run_socket(settings)
    elif args.command == "worker":
        from bot.processes.worker import run_worker

        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            runner.run(run_worker(settings, burst=args.burst, install_signals=True))
    elif args.command == "extract":
        from bot.processes.local import extract_source

        print(asyncio.run(extract_source(args.source, settings, url=args.url, as_json=args.json)))
    else:
        from bot.processes.local import summarize_source

        print(asyncio.run(summarize_source(settings, args.source)))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env")
    try:
        settings = Settings.from_env()
        setup_logging(settings)
        run(args, settings)
    except ConfigError as exc:
        print(f"summarizer: configuration error: {exc}", file=sys.stderr)
        return 2
    except UserFacingError as exc:
        print(f"summarizer: {exc.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _ignore_sigpipe() -> None:  # pragma: no cover - only matters when piping into `head`
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    _ignore_sigpipe()
    sys.exit(main())
