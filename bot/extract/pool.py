"""`extract()` in child processes: the worker's documents are parsed by a pool of processes, so parsing
uses every core (threads would share one GIL) and a native crash in a parser (lxml, pypdf…) kills one
child, not the worker with every job it is running.

The contract of `ExtractPool.extract` is `bot.extract.extract`'s (same arguments, same `Document`, the
same user-facing errors with their messages and attributes), plus one error: `ExtractionCrashed`, a
`RetryLater`, when the child parsing this document died. Only that document's job fails that attempt
(the worker runs it again after the lease, up to `job_max_attempts` starts); documents being parsed in
other children are not disturbed, and the pool starts a new child in place of the dead one (pebble).

Children are forked by a fork server that has imported the parsers once (never by `fork` from the worker,
which has threads and an event loop), so a new child is ready at once and the first job pays no imports.

Test hook, inert unless set: with SUMMARIZER_TEST_CRASH_FILE naming a file when the pool is created, a
child given content holding `CRASH_MARKER` deletes that file, if it is there, and aborts (a real native
crash, once). The parent reads the variable and hands it to its children, because the fork server keeps
the environment it was started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import pebble

from bot.errors import RetryLater
from bot.extract.document import DEFAULT_LIMITS, extract
from bot.models import Document, Origin
from bot.settings import ExtractLimits

log = logging.getLogger(__name__)
PARSERS = (
    "bot.extract.document",
    "bot.extract.html",
    "bot.extract.page",
    "bot.extract.pdf",
    "bot.extract.docx",
    "bot.extract.pptx",
    "bot.extract.table",
    "bot.extract.rtf",
    "bot.extract.mail",
    "bot.extract.archive",
    "bot.extract.text",
)  # imported by the fork server (and by each child, a no-op there) before any document arrives
CRASH_FILE_ENV = "SUMMARIZER_TEST_CRASH_FILE"
CRASH_MARKER = b"summarizer-test-crash-marker"
_crash_file: str | None = None  # in a child: the test hook's file, from `_child_start`


class ExtractionCrashed(RetryLater):
    """The child process parsing this document died (a native crash, or it was killed). `exitcode` is
    its exit status: negative for the signal that ended it, None when unknown."""

    def __init__(self, message: str, *, exitcode: int | None = None) -> None:
        self.exitcode = exitcode
        super().__init__(message)


class ChildTraceback(Exception):
    """The traceback of an exception raised in a child, attached as its `__cause__` so logs show it."""


@dataclass(frozen=True)
class Failure:
    """An exception raised in a child, in a form that always pickles: its class, `args` and attributes
    (so a class whose `__init__` takes other arguments, as `ScannedDocument`'s does, comes back whole),
    and the child's traceback. One whose parts do not pickle comes back as a RuntimeError naming it."""

    kind: type[BaseException]
    args: tuple[Any, ...]
    state: dict[str, Any]
    trace: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        trace = "".join(traceback.format_exception(exc))
        failure = cls(type(exc), exc.args, dict(vars(exc)), trace)
        try:
            pickle.loads(pickle.dumps(failure))
        except Exception:
            return cls(RuntimeError, (f"{type(exc).__qualname__}: {exc}",), {}, trace)
        return failure

    def rebuilt(self) -> BaseException:
        """The exception again, without calling its `__init__`."""
        exc = self.kind.__new__(self.kind)
        exc.args = self.args
        exc.__dict__.update(self.state)
        exc.__cause__ = ChildTraceback(self.trace)
        return exc


def describe_exit(exitcode: int | None) -> str:
    """How a process ended, for the log: "signal SIGABRT", or "exit code 3"."""
    if exitcode is None:
        return "an unknown status"
    if exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-exitcode).name}"
        return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class ExtractPool:
    """`processes` child processes parsing documents for one worker: created once at start-up (`start`
    warms them in the background), closed on exit (`close`)."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("an extraction pool needs at least one process")
        self.processes = processes
        self._crash_file = os.environ.get(CRASH_FILE_ENV) or None  # the test hook (module docstring)
        self._pool = self._new_pool()
        self._ready: asyncio.Future[None] | None = None

    def start(self) -> None:
        """Start the children now, in a thread, so that neither the event loop nor the first document
        waits for the fork server's imports."""
        if self._ready is None:
            self._ready = asyncio.get_running_loop().run_in_executor(None, _warm, self._pool)

    async def extract(
        self,
        data: bytes,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        url: str | None = None,
        label: str | None = None,
        origin: Origin | None = None,
        limits: ExtractLimits = DEFAULT_LIMITS,
    ) -> Document:
        """`bot.extract.extract(data, …)` in a child. Raises what it raises, or `ExtractionCrashed`."""
        self.start()
        assert self._ready is not None
        await asyncio.shield(self._ready)
        fields = {"content_type": content_type, "filename": filename, "url": url, "label": label}
        future = self._schedule(data, {**fields, "origin": origin, "limits": limits})
        pool = self._pool  # the one `future` runs in
        try:
            result = await asyncio.wrap_future(future)
        except pebble.ProcessExpired as exc:
            death = describe_exit(exc.exitcode)
            log.warning("extracting %s killed its process (pid %s, %s)", label or url, exc.pid, death)
            raise ExtractionCrashed(
                f"the process extracting it died ({death})", exitcode=exc.exitcode
            ) from None
        except BrokenProcessPool as exc:
            log.warning(
                "extracting %s broke the extraction pool (%s); starting a new pool", label or url, exc
            )
            if self._pool is pool:  # not yet replaced for another document it broke with
                self._replace()
            raise ExtractionCrashed("the extraction pool broke while extracting it") from None
        if isinstance(result, Failure):
            raise result.rebuilt()
        return result

    async def close(self) -> None:
        """Stop the children (a document still being parsed is abandoned: the worker has drained)."""
        if self._ready is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._ready)
        await asyncio.to_thread(_stop, self._pool)

    def _schedule(self, data: bytes, kwargs: dict[str, Any]) -> pebble.ProcessFuture[Document | Failure]:
        """Hand the document to a child. A pool that broke while idle (a child killed between documents)
        is replaced first: this document had no part in it."""
        try:
            return self._pool.schedule(_extract_in_child, args=(data,), kwargs=kwargs)
        except RuntimeError:  # pebble: "Unexpected error within the Pool"
            log.warning("the extraction pool had broken; starting a new pool")
            self._replace()
            return self._pool.schedule(_extract_in_child, args=(data,), kwargs=kwargs)

    def _replace(self) -> None:
        """A new pool in place of a broken one (its children are stopped in a thread)."""
        broken, self._pool = self._pool, self._new_pool()
        loop = asyncio.get_running_loop()
        self._ready = loop.run_in_executor(None, _warm, self._pool)
        loop.run_in_executor(None, _stop, broken)

    def _new_pool(self) -> pebble.ProcessPool:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PARSERS))  # used when this process starts its fork server
        return pebble.ProcessPool(
            max_workers=self.processes,
            initializer=_child_start,
            initargs=(self._crash_file, logging_setup()),
            context=context,
        )


def _warm(pool: pebble.ProcessPool) -> None:
    """Start `pool`'s children (pebble starts them all on the first task) and wait until one answers."""
    pool.schedule(os.getpid).result()


def _stop(pool: pebble.ProcessPool) -> None:
    pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
    pool.join()


@dataclass(frozen=True)
class LoggingSetup:
    """How this process logs, in a form a child can rebuild: the root logger's level, and the formatter
    and filters (the secret redaction) of each handler that writes to stderr or stdout, which a child
    shares with this process."""

    level: int
    handlers: tuple[tuple[bool, logging.Formatter | None, tuple[Any, ...]], ...]  # (to stdout, …)

    def apply(self) -> None:
        """Configure this (child) process's root logger the same way."""
        root = logging.getLogger()
        for to_stdout, formatter, filters in self.handlers:
            handler = logging.StreamHandler(sys.stdout if to_stdout else sys.stderr)
            handler.setFormatter(formatter)
            for item in filters:
                handler.addFilter(item)
            root.addHandler(handler)
        root.setLevel(self.level)


def logging_setup() -> LoggingSetup:
    """The current process's `LoggingSetup`. Handlers writing elsewhere (a file, a test runner's
    capture) and those whose formatter or filters do not pickle are left out; with none left, a child
    keeps Python's default (warnings only, unformatted, on stderr)."""
    root = logging.getLogger()
    handlers = []
    for handler in root.handlers:
        stream = getattr(handler, "stream", None)
        if type(handler) is not logging.StreamHandler or stream not in (sys.stdout, sys.stderr):
            continue
        kept = (stream is sys.stdout, handler.formatter, tuple(handler.filters))
        try:
            pickle.dumps(kept)
        except Exception:
            continue
        handlers.append(kept)
    return LoggingSetup(root.level, tuple(handlers))


def _child_start(crash_file: str | None, setup: LoggingSetup) -> None:
    """In each child, once: log as the parent does; keep the test hook's file; import the parsers (done
    already when the fork server preloaded them)."""
    global _crash_file
    _crash_file = crash_file
    setup.apply()
    for name in PARSERS:
        importlib.import_module(name)


def _extract_in_child(data: bytes, **kwargs: Any) -> Document | Failure:
    """In a child: `extract`, with any exception returned as a `Failure` (one that does not pickle
    would otherwise break the whole pool)."""
    if _crash_file is not None and CRASH_MARKER in data:
        with contextlib.suppress(FileNotFoundError):
            os.remove(_crash_file)
            os.abort()  # the test hook: a real native crash, once per file
    try:
        return extract(data, **kwargs)
    except Exception as exc:
        return Failure.of(exc)
