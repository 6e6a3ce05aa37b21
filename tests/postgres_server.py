"""Start a throwaway Postgres cluster for the test session (never the machine's own service).

`initdb` into a temporary directory (trust authentication, no fsync), `pg_ctl start` listening only on a
Unix socket in that directory on a free port number, `stop()` at the end of the session. The binaries
come from PATH or /usr/lib/postgresql/*/bin; `missing()` says why the Postgres tests are skipped when
there are none. Postgres refuses to run as root, so as root the cluster runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.redis_server import free_port

SERVICE_USER = "postgres"


def binaries() -> Path | None:
    """The directory holding `initdb`, `pg_ctl` and `postgres`, or None."""
    found = shutil.which("initdb")
    candidates = [str(Path(found).resolve().parent)] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory) / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return Path(directory)
    return None


def missing() -> str | None:
    """Why no cluster can be started here (None when one can)."""
    if binaries() is None:
        return "Postgres binaries (initdb, pg_ctl, postgres) not found on PATH or in /usr/lib/postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            return "running as root and there is no `postgres` user to run a Postgres cluster as"
    return None


@dataclass
class PostgresServer:
    """A running cluster in `workdir`, reached over its Unix socket; `url` for SQLAlchemy/DATABASE_URL."""

    workdir: Path
    port: int
    bin: Path
    owner: str | None  # the user it runs as (when the tests run as root)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.workdir}&port={self.port}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        data = self.workdir / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.workdir / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.workdir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """A fresh cluster on a free port (call `missing()` first)."""
    directory = binaries()
    assert directory is not None
    workdir = Path(tempfile.mkdtemp(prefix="summarizer-pg-"))
    owner = None
    if os.geteuid() == 0:
        owner = SERVICE_USER
        account = pwd.getpwnam(owner)
        os.chown(workdir, account.pw_uid, account.pw_gid)
    server = PostgresServer(workdir=workdir, port=free_port(), bin=directory, owner=owner)
    server.start()
    return server
