"""``manage.py backup DIR``: a consistent backup of the database with a manifest of the stored files (decision 0034;
``core/backup.py`` says what the directory holds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from preceptor.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump, custom format) into DIR, a new or "
        "empty directory, with a manifest of every stored file (size, SHA-256) and a copy of the erasure journal. "
        "Copy the media files and DIR off the machine by your own means."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        try:
            info = backup_create(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of the {info['engine']} database taken at {info['created_at']} in {directory}: "
                f"{info['files'][info['database']]['size']} bytes; media manifest of {info['media_files']} file(s), "
                f"{info['media_bytes']} bytes."
            )
        )
