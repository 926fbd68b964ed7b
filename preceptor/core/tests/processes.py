"""Real server processes the fault and multi-instance tests start for themselves (issue 17)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from preceptor.core.tests.test_deploy import free_port


def postgres_binaries() -> Path:
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))  # beside createdb and pg_ctl
    found = str(debian[-1]) if debian else shutil.which("initdb")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("initdb is missing (Debian package postgresql)")
        pytest.skip("initdb is missing (Debian package postgresql)")
    return Path(found).parent


class PrivateServer:
    """A throw-away PostgreSQL cluster on a free port (as the ``postgres`` user when the test runs as root)."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: the postgres user cannot enter root's private temporary folders.
        folder = Path(tempfile.mkdtemp(prefix="preceptor-pg-"))
        self.bin = postgres_binaries()
        self.folder, self.data, self.port = folder, folder / "data", free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(folder, "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "preceptor")

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_owner, str(self.bin / tool), *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        leader = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(leader)], capture_output=True, text=True).stdout.split()
        return [leader, *map(int, children)]

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/preceptor"
