"""``manage.py replay_erasures [--since TIME] [--journal FILE]``: after restoring a backup, erase again every member
erased since the backup was taken (decision 0034). ``manage.py restore`` runs it itself unless told not to."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from preceptor.privacy.journal import journal_path, journal_read
from preceptor.privacy.services import erasures_replay


def moment(value: str) -> datetime:
    """An ISO 8601 time (``2026-11-29T17:30:00+00:00``, as ``backup.json`` records it) or date; without an offset,
    in the site's time zone."""
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.combine(day, time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(f"--since: {value!r} is not a date or time (e.g. 2026-11-29 or 2026-11-29T17:30:00Z).")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = (
        "After restoring a database backup: erase again every account erased since the backup was taken that came "
        "back, as the restored erasure log and the erasure journal outside the database (ERASURE_JOURNAL) name them. "
        "Running it twice erases no one twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            metavar="TIME",
            help="only erasures made at or after TIME (the backup's created_at in its backup.json); default: all",
        )
        parser.add_argument(
            "--journal",
            metavar="FILE",
            type=Path,
            help="read this copy of the journal (e.g. the one in a newer backup) instead of ERASURE_JOURNAL",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = moment(options["since"]) if options["since"] else None
        path = options["journal"] or journal_path()
        if options["journal"] is not None and not path.is_file():
            raise CommandError(f"No erasure journal at {path}.")
        try:
            entries, unreadable = journal_read(path)
        except OSError as exc:
            raise CommandError(f"The erasure journal {path} cannot be read: {exc.strerror}.") from exc
        if not path.exists():
            self.stderr.write(
                f"No erasure journal at {path}: only the restored database's own erasure log is replayed. If the "
                "journal is elsewhere (another machine, a newer backup's copy), run again with --journal FILE."
            )
        elif unreadable:
            self.stderr.write(f"{unreadable} line(s) of {path} could not be read and were skipped.")
        count = erasures_replay(since=since, journal_file=path)
        self.stdout.write(
            self.style.SUCCESS(f"Erased again: {count} account(s) ({len(entries)} erasure(s) in the journal).")
        )
