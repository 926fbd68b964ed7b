"""``manage.py backup`` and ``manage.py restore`` (decision 0034): a consistent copy of the database with a manifest of
the stored files; a restore that checks every file first, refuses a damaged backup, brings the database back as it
was and reports the stored files that are missing or changed. On SQLite here; on PostgreSQL (pg_dump, pg_restore)
in CI's PostgreSQL pass, where the same tests run against it."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from preceptor.accounts.models import User
from preceptor.conftest import make_member
from preceptor.core import backup

pytestmark = pytest.mark.django_db(transaction=True)  # the dump reads what is committed, as in production


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def taken(tmp_path) -> Path:
    """A backup of a database with one member and two stored files."""
    make_member("kept@example.org", "Kim Kept")
    default_storage.save("avatars/kim.jpg", ContentFile(b"a photo"))
    default_storage.save("handouts/ecg.pdf", ContentFile(b"%PDF-1.4 a handout"))
    run("backup", str(tmp_path / "backup"))
    return tmp_path / "backup"


def test_a_backup_holds_the_database_the_media_manifest_and_the_checksums_of_both(taken):
    info = json.loads((taken / "backup.json").read_text())
    assert info["format"] == backup.FORMAT and info["engine"] == connection.vendor
    assert "privacy.0010_erasure_log_keyed_hash" in info["migrations"]
    database = taken / info["database"]
    header = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}[connection.vendor]
    assert database.read_bytes().startswith(header)  # SQLite's own file; pg_dump's custom format
    assert info["files"][database.name] == backup.file_digest(database)
    manifest = json.loads((taken / "media-manifest.json").read_text())["files"]
    assert {item["name"]: item["size"] for item in manifest} == {"avatars/kim.jpg": 7, "handouts/ecg.pdf": 18}
    assert info["media_files"] == 2 and info["media_bytes"] == 25
    # The database holds personal data: the backup is its owner's alone.
    assert stat.S_IMODE(taken.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in taken.iterdir()} == {0o600}


def test_a_backup_is_refused_into_a_directory_that_is_not_empty(taken):
    with pytest.raises(CommandError, match="not an empty directory"):
        run("backup", str(taken))


def test_without_yes_the_restore_only_checks_the_backup(taken):
    make_member("later@example.org", "Lee Later")
    with pytest.raises(CommandError, match=r"Nothing restored.*--yes"):
        run("restore", str(taken))
    assert User.objects.filter(email="later@example.org").exists()


def test_the_restore_brings_the_database_back_and_reports_missing_and_changed_files(taken):
    User.objects.filter(email="kept@example.org").delete()
    make_member("later@example.org", "Lee Later")
    default_storage.delete("avatars/kim.jpg")
    default_storage.delete("handouts/ecg.pdf")
    default_storage.save("handouts/ecg.pdf", ContentFile(b"%PDF-1.4 another handout"))
    default_storage.save("avatars/new.jpg", ContentFile(b"uploaded since"))

    out = run("restore", str(taken), "--yes")

    assert User.objects.filter(email="kept@example.org").exists()
    assert not User.objects.filter(email="later@example.org").exists()
    assert "Database restored." in out
    assert "Missing: avatars/kim.jpg" in out and "Changed: handouts/ecg.pdf" in out
    assert "2 listed, 1 missing, 1 changed, 1 not listed" in out


def test_a_restore_with_every_file_in_place_reports_no_difference(taken):
    out = run("restore", str(taken), "--yes")
    assert "2 listed, 0 missing, 0 changed, 0 not listed" in out


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_info(directory: Path, **changes) -> None:
    info = json.loads((directory / "backup.json").read_text())
    (directory / "backup.json").write_text(json.dumps({**info, **changes}))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: _flip_a_byte(d / json.loads((d / "backup.json").read_text())["database"]), "does not match"),
        (lambda d: (d / "media-manifest.json").write_text('{"files": []}'), "media-manifest.json does not match"),
        (lambda d: (d / "backup.json").write_text('{"format": "preceptor-backup/1", '), "backup.json is damaged"),
        (lambda d: (d / "backup.json").unlink(), "has no backup.json"),
        (lambda d: (d / "media-manifest.json").unlink(), "media-manifest.json, listed in backup.json, is missing"),
        (lambda d: _edit_info(d, files={}), "does not list the database"),
        (lambda d: _edit_info(d, format="someone-else/9"), "this version reads"),
    ],
    ids=["database", "manifest", "info-not-json", "no-info", "manifest-missing", "no-files", "format"],
)
def test_a_damaged_backup_is_refused_with_what_is_wrong_and_nothing_is_restored(taken, damage, message):
    make_member("later@example.org", "Lee Later")
    damage(taken)
    with pytest.raises(CommandError, match=message):
        run("restore", str(taken), "--yes")
    assert User.objects.filter(email="later@example.org").exists()


def test_a_manifest_that_matches_its_checksum_but_is_not_one_is_refused(taken):
    (taken / "media-manifest.json").write_text("[1, 2]")
    files = json.loads((taken / "backup.json").read_text())["files"]
    _edit_info(taken, files={**files, "media-manifest.json": backup.file_digest(taken / "media-manifest.json")})
    with pytest.raises(CommandError, match=r"media-manifest\.json is damaged"):
        run("restore", str(taken), "--yes")


def test_a_backup_of_the_other_engine_or_of_a_newer_version_is_refused(taken):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    _edit_info(taken, engine=other)
    with pytest.raises(CommandError, match="Set DATABASE_URL to match"):
        run("restore", str(taken), "--yes")
    info = json.loads((taken / "backup.json").read_text())
    _edit_info(taken, engine=connection.vendor, migrations=[*info["migrations"], "privacy.9999_from_the_future"])
    with pytest.raises(CommandError, match=r"newer version.*privacy\.9999_from_the_future"):
        run("restore", str(taken), "--yes")


@pytest.fixture
def programs(monkeypatch) -> list[tuple[list[str], dict[str, str]]]:
    """pg_dump and pg_restore, faked at the process boundary: what they were started with."""
    started: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(argv, *, env, **kwargs):
        started.append((argv, env))
        return subprocess.CompletedProcess(argv, 2, "", "pg_dump: error: connection to server failed")

    monkeypatch.setattr(backup.shutil, "which", lambda program: f"/usr/bin/{program}")
    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    return started


def test_pg_dump_gets_the_password_in_its_environment_never_on_its_command_line_or_in_the_error(
    programs, monkeypatch, caplog
):
    password = "s3cret-Passw0rd"
    for key, value in {"NAME": "preceptor", "USER": "app", "PASSWORD": password, "HOST": "db", "PORT": "5433"}.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    with pytest.raises(backup.BackupError, match="pg_dump failed") as failed:
        backup._run("pg_dump", "--format=custom", "--file=/backups/x/database.pgdump")
    [(argv, env)] = programs
    assert password not in " ".join(argv) and password not in str(failed.value) and password not in caplog.text
    assert env["PGPASSWORD"] == password and env["PGUSER"] == "app" and env["PGHOST"] == "db"
    assert env["PGPORT"] == "5433" and env["PGDATABASE"] == "preceptor" and "--no-password" in argv


def test_check_production_names_an_erasure_journal_left_in_the_application_directory(settings, tmp_path):
    from preceptor.core.management.commands.check_production import production_problems
    from preceptor.core.tests.test_deploy import good_settings

    inside = good_settings(BASE_DIR=settings.BASE_DIR, ERASURE_JOURNAL=settings.BASE_DIR / "var" / "journal.jsonl")
    [problem] = production_problems(inside, {})
    assert problem.startswith("ERASURE_JOURNAL is inside the application's directory")
    outside = good_settings(BASE_DIR=settings.BASE_DIR, ERASURE_JOURNAL=tmp_path / "journal.jsonl")
    assert production_problems(outside, {}) == []


def test_a_backup_that_predates_a_migration_is_migrated_after_the_restore(tmp_path):
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    [leaf] = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "privacy"]
    [parent] = executor.loader.graph.node_map[leaf].parents
    applied = set(MigrationRecorder(connection).applied_migrations())
    call_command("migrate", "privacy", parent.key[1], verbosity=0)  # and whatever depends on its last migration
    predated = applied - set(MigrationRecorder(connection).applied_migrations())
    try:
        run("backup", str(tmp_path / "backup"))
    finally:
        call_command("migrate", "privacy", verbosity=0)
    info = json.loads((tmp_path / "backup" / "backup.json").read_text())
    assert f"privacy.{leaf[1]}" not in info["migrations"]

    out = run("restore", str(tmp_path / "backup"), "--yes")

    assert f"Applying the {len(predated)} migration(s) the backup predates" in out
    assert ("privacy", leaf[1]) in MigrationRecorder(connection).applied_migrations()
