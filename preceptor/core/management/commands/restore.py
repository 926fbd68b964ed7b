"""``manage.py restore DIR --yes``: replace the database with a backup's, after checking every file of the backup;
migrate it to this version; re-apply what happened since that must not be undone (the erasures); report the stored
files that are missing or changed against the backup's media manifest (decision 0034)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from preceptor.core import hooks
from preceptor.core.backup import BackupError, backup_check, database_restore, media_compare, migrations_compare

LISTED = 20  # missing or changed files named one by one; the rest counted
# Erasures are replayed from a day before the backup's time: an erasure is dated when it starts (a batch of them by
# when the batch started) and may commit after the dump began. Replaying one already in the backup does nothing.
REPLAY_MARGIN = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Restore the database from a backup made by `manage.py backup` (stop the web server and the workers first). "
        "Checks every file of the backup against its backup.json and refuses a damaged one; without --yes it only "
        "checks. Then migrates, erases again the members erased since the backup (replay_erasures) and reports the "
        "stored files missing or changed against the backup's media manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the backup's directory")
        parser.add_argument("--yes", action="store_true", help="really replace the whole database")
        parser.add_argument(
            "--no-replay",
            action="store_true",
            help="do not erase again the members erased since the backup (run replay_erasures yourself, soon)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        try:
            info, media = backup_check(directory)
        except BackupError as exc:
            raise CommandError(f"Refused: {exc}") from exc
        unknown, missing_migrations = migrations_compare(info)
        if unknown:
            raise CommandError(
                f"Refused: the backup was made by a newer version ({info['version']}) with migrations this code does "
                f"not have: {', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}. Deploy that version first."
            )
        self.stdout.write(
            f"Backup of {info['created_at']} ({info['engine']}, version {info['version']}): every file matches "
            "backup.json."
        )
        if not options["yes"]:
            raise CommandError("Nothing restored: this replaces the whole database. Run again with --yes.")

        try:
            database_restore(directory, info)
        except BackupError as exc:
            raise CommandError(f"The restore failed: {exc}") from exc
        cache.clear()  # nothing cached from the database that was replaced (sessions, pages)
        self.stdout.write(self.style.SUCCESS("Database restored."))
        if missing_migrations:
            self.stdout.write(f"Applying the {len(missing_migrations)} migration(s) the backup predates …")
            call_command("migrate", interactive=False, verbosity=0)

        since = datetime.fromisoformat(info["created_at"]) - REPLAY_MARGIN
        if options["no_replay"]:
            self.stdout.write(
                self.style.WARNING(
                    "Erasures made since the backup were NOT re-applied: run "
                    f"`manage.py replay_erasures --since {since.isoformat()}` before the site opens again."
                )
            )
        else:
            count = sum(hooks.database_restored.call(since))
            self.stdout.write(f"Erased again: {count} account(s) (erasures made since the backup).")

        report = media_compare(media)
        for label, names in (("Missing", report.missing), ("Changed", report.changed)):
            for name in names[:LISTED]:
                self.stdout.write(f"{label}: {name}")
            if len(names) > LISTED:
                self.stdout.write(f"{label}: … and {len(names) - LISTED} more")
        summary = (
            f"Stored files against the backup's manifest: {report.checked} listed, {len(report.missing)} missing, "
            f"{len(report.changed)} changed, {report.unlisted} not listed (uploaded since)."
        )
        if report.missing or report.changed:
            self.stdout.write(self.style.WARNING(summary + " Restore the media files from the same backup time."))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
