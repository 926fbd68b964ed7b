"""Consistent backups of the database with a manifest of the uploaded files, and their restore (decision 0034).

A backup is a directory:

- the database: SQLite copied with SQLite's online backup API (``database.sqlite3``: a consistent copy while the
  site runs), PostgreSQL dumped by ``pg_dump`` in its custom format (``database.pgdump``);
- ``media-manifest.json``: every stored file (``default_storage``: ``MEDIA_ROOT`` or the bucket) with its size and
  SHA-256. The files themselves are copied by the operator's own means (rsync, the bucket's versioning); a restore
  compares the storage with the manifest and reports what is missing or changed;
- ``erasure-journal.jsonl``: a copy of the erasure journal as it was (``settings.ERASURE_JOURNAL``), for a machine
  that lost its own; a restore never puts it back, it only reads it if told to (``replay_erasures --journal``);
- ``backup.json``, written last: when, the database engine, the application's version, the migrations the database
  had, and the size and SHA-256 of every other file. A directory without it is an unfinished backup.

The PostgreSQL password reaches ``pg_dump`` and ``pg_restore`` in their environment (``PGPASSWORD``), never on a
command line, in a file of the backup or in a message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "preceptor-backup/1"
INFO = "backup.json"
MEDIA_MANIFEST = "media-manifest.json"
JOURNAL_COPY = "erasure-journal.jsonl"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024
# Connection options of DATABASES["default"]["OPTIONS"] that pg_dump and pg_restore take from the environment too.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """The backup cannot be made or used; the message says why, for the operator."""


@dataclass
class MediaReport:
    """The stored files against a backup's media manifest."""

    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unlisted: int = 0  # files the manifest does not list (uploaded after the backup)
    checked: int = 0


# --- Files and checksums ----------------------------------------------------------------------------------------
def _digest(chunks: Iterator[bytes]) -> tuple[int, str]:
    size, sha = 0, hashlib.sha256()
    for chunk in chunks:
        size += len(chunk)
        sha.update(chunk)
    return size, sha.hexdigest()


def file_digest(path: Path) -> dict[str, Any]:
    """``{"size": …, "sha256": …}`` of a file."""
    with path.open("rb") as handle:
        size, sha256 = _digest(iter(lambda: handle.read(CHUNK), b""))
    return {"size": size, "sha256": sha256}


def _stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # FileSystemStorage before the first upload: no MEDIA_ROOT yet
        return
    for name in sorted(files):
        yield f"{directory}{name}"
    for name in sorted(directories):
        yield from _stored_names(storage, f"{directory}{name}/")


def _stored_digest(storage: Storage, name: str) -> tuple[int, str]:
    with storage.open(name, "rb") as handle:
        return _digest(iter(lambda: handle.read(CHUNK), b""))


def media_manifest(storage: Storage | None = None) -> list[dict[str, Any]]:
    """Every stored file, by name, with its size and SHA-256."""
    storage = storage or default_storage
    manifest = []
    for name in _stored_names(storage):
        size, sha256 = _stored_digest(storage, name)
        manifest.append({"name": name, "size": size, "sha256": sha256})
    return manifest


def media_compare(manifest: list[dict[str, Any]], storage: Storage | None = None) -> MediaReport:
    """Which files of ``manifest`` the storage lacks or holds with other contents, and how many it has besides."""
    storage = storage or default_storage
    report = MediaReport()
    listed = set()
    for item in manifest:
        name = item["name"]
        listed.add(name)
        report.checked += 1
        if not storage.exists(name):
            report.missing.append(name)
        elif _stored_digest(storage, name) != (item["size"], item["sha256"]):
            report.changed.append(name)
    report.unlisted = sum(1 for name in _stored_names(storage) if name not in listed)
    return report


# --- The database -----------------------------------------------------------------------------------------------
def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _postgresql_environment() -> dict[str, str]:
    """The libpq environment for ``pg_dump``/``pg_restore``: the connection settings, the password among them."""
    conf = connection.settings_dict
    env = dict(os.environ)
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    for key, variable in names.items():
        if conf.get(key):
            env[variable] = str(conf[key])
    options = conf.get("OPTIONS") or {}
    for key, variable in LIBPQ_OPTIONS.items():
        if options.get(key):
            env[variable] = str(options[key])
    env.pop("PGOPTIONS", None)  # no statement timeout for a dump or a restore
    return env


def _run(program: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: apt install postgresql-client).")
    # Arguments name files and options only; the password is in the environment.
    done = subprocess.run(
        [executable, "--no-password", *arguments],
        env=_postgresql_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed (exit status {done.returncode}): {done.stderr.strip()[-2000:]}")
    return done


def _sqlite_copy(target: Path) -> None:
    """A consistent copy of the live database, made with SQLite's online backup API, self-contained (no WAL)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _sqlite_check(path: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database: {exc}.") from exc
    if result != "ok":
        raise BackupError(f"{path.name} fails SQLite's integrity check: {result}.")


def _migrations_applied() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _migrations_known() -> set[str]:
    return {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}


def _version() -> str:
    try:
        return metadata.version("preceptor")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Backup -----------------------------------------------------------------------------------------------------
def backup_create(directory: Path, *, now: datetime | None = None) -> dict[str, Any]:
    """Back up the database and the media manifest into ``directory`` (new or empty); returns ``backup.json``."""
    engine = _engine()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} exists and is not an empty directory: back up into a new one.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)  # the database holds personal data
    created_at = now or timezone.now()
    migrations = _migrations_applied()
    database = directory / DATABASE_FILES[engine]
    if engine == "sqlite":
        _sqlite_copy(database)
    else:
        _run("pg_dump", "--format=custom", f"--file={database}")
    files = {database.name: file_digest(database)}

    manifest = directory / MEDIA_MANIFEST
    media = media_manifest()
    manifest.write_text(json.dumps({"format": FORMAT, "files": media}, indent=1) + "\n")
    files[manifest.name] = file_digest(manifest)

    journal = Path(settings.ERASURE_JOURNAL)
    if journal.is_file():
        shutil.copyfile(journal, directory / JOURNAL_COPY)
        files[JOURNAL_COPY] = file_digest(directory / JOURNAL_COPY)
    for name in files:
        os.chmod(directory / name, 0o600)

    info = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "engine": engine,
        "database": database.name,
        "version": _version(),
        "migrations": migrations,
        "media_files": len(media),
        "media_bytes": sum(item["size"] for item in media),
        "files": files,
    }
    partial = directory / f"{INFO}.partial"
    partial.write_text(json.dumps(info, indent=1) + "\n")
    os.chmod(partial, 0o600)
    os.replace(partial, directory / INFO)
    return info


# --- Restore ----------------------------------------------------------------------------------------------------
def backup_check(directory: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read ``directory``'s ``backup.json`` and check every file against it; the information and the media manifest.
    Raises ``BackupError`` saying what is wrong: refuse the backup then."""
    if not (directory / INFO).is_file():
        raise BackupError(f"{directory} has no {INFO}: it is not a backup, or one that did not finish.")
    try:
        info = json.loads((directory / INFO).read_text())
        files, engine, database = info["files"], info["engine"], info["database"]
        created_at = datetime.fromisoformat(info["created_at"])
        migrations = list(info["migrations"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{INFO} is damaged ({exc.__class__.__name__}): this backup cannot be trusted.") from exc
    if info.get("format") != FORMAT:
        raise BackupError(f"{INFO} is of format {info.get('format')!r}; this version reads {FORMAT!r}.")
    if not isinstance(files, dict) or database not in files or MEDIA_MANIFEST not in files:
        raise BackupError(f"{INFO} is damaged: it does not list the database and the media manifest.")
    if timezone.is_naive(created_at) or not all(isinstance(name, str) for name in migrations):
        raise BackupError(f"{INFO} is damaged: its time or its migrations are not what a backup writes.")
    if engine != _engine():
        raise BackupError(
            f"This is a backup of a {ENGINE_NAMES.get(engine, engine)} database; this installation uses "
            f"{ENGINE_NAMES[_engine()]}. Set DATABASE_URL to match before restoring."
        )
    for name, expected in files.items():
        path = directory / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name}, listed in {INFO}, is missing from the backup.")
        if file_digest(path) != expected:
            raise BackupError(
                f"{name} does not match the size and SHA-256 that {INFO} records: the backup is damaged or was "
                "changed. Nothing was restored."
            )
    try:
        manifest = json.loads((directory / MEDIA_MANIFEST).read_text())
        media = [
            {"name": str(f["name"]), "size": int(f["size"]), "sha256": str(f["sha256"])} for f in manifest["files"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{MEDIA_MANIFEST} is damaged: this backup cannot be trusted.") from exc
    if engine == "sqlite":
        _sqlite_check(directory / database)
    else:
        _run("pg_restore", "--list", str(directory / database))
    return info, media


def migrations_compare(info: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The backup's migrations this code does not know (it was made by a newer version), and this code's
    migrations the backup lacks (``migrate`` adds them after the restore)."""
    applied, known = set(info["migrations"]), _migrations_known()
    return sorted(applied - known), sorted(known - applied)


def database_restore(directory: Path, info: dict[str, Any]) -> None:
    """Replace the whole database with the backup's (checked by ``backup_check`` first). Stop the site before."""
    path = directory / info["database"]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    if info["engine"] == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops the tables: hold no lock on them
        _run(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        )
    connection.close()  # the next query sees the restored database afresh
