"""ACCME PARS learner-completion export: ``manage.py export_pars --year 2026 --format json``.

The document is written to a temporary file first and only then to ``--output`` (renamed into place) or to
standard output. A year with nothing to send (no completions, or all of them sent already) writes nothing:
PARS refuses a learner file without records (the draft schema's ``ActivityReport`` has ``minItems: 1``). The
command then says so on standard error and exits with status 0, because "nothing to report" is the normal
state of most runs, not a failure; a script tells the two apart by whether ``--output`` was created (so name
the file per run: an existing file is left as it was).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from preceptor.cme.pars import ExportSummary, YearClosed, export_pars

COPY_CHUNK = 64 * 1024


class Command(BaseCommand):
    help = (
        "Write the year's PARS learner records (add/delete) for members who consented, to stdout or --output. "
        "What is written is remembered as sent, unless --dry-run. With nothing to send, nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xml", "tsv"], default="json")
        parser.add_argument(
            "--output", help="File to write (default: standard output). Not created when there is nothing to send."
        )
        parser.add_argument("--dry-run", action="store_true", help="Write the file but do not record it as sent.")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("Give a four-digit --year.")
        output = Path(options["output"]) if options["output"] else None
        try:
            summary = self._export(year, options["format"], output, record=not options["dry_run"])
        except YearClosed as closed:
            raise CommandError(str(closed)) from None
        except OSError as error:
            raise CommandError(f"Could not write the PARS file: {error}") from None
        self._report(summary, dry_run=options["dry_run"])

    def _export(self, year: int, fmt: str, output: Path | None, *, record: bool) -> ExportSummary:
        """Write the document to a temporary file beside ``output`` (so that the rename is atomic; readable by
        its owner only, as it holds names, birth dates and NPIs), then put it in place. What was sent is
        recorded only once the document is in place: a failure on the way records nothing."""
        descriptor, name = tempfile.mkstemp(
            dir=output.parent if output else None, prefix=f".{output.name}." if output else "pars-", suffix=".tmp"
        )
        staged = Path(name)
        try:
            with transaction.atomic():
                with open(descriptor, "w", encoding="utf-8", newline="") as out:
                    summary = export_pars(year=year, fmt=fmt, out=out, record=record)
                if summary.added or summary.deleted:
                    self._deliver(staged, output)
        finally:
            staged.unlink(missing_ok=True)
        return summary

    def _deliver(self, staged: Path, output: Path | None) -> None:
        if output is not None:
            os.replace(staged, output)
            return
        with staged.open(encoding="utf-8", newline="") as document:
            while chunk := document.read(COPY_CHUNK):
                self.stdout.write(chunk, ending="")
        self.stdout.flush()

    def _report(self, summary: ExportSummary, *, dry_run: bool) -> None:
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if summary.skipped_no_activity_id:
            self.stderr.write(
                self.style.WARNING(f"{summary.skipped_no_activity_id} completions skipped: activity has no ACCME id.")
            )
        if not (summary.added or summary.deleted):
            self.stderr.write(
                f"No completions to report for {summary.year} (none new, changed or withdrawn since the last "
                "export): nothing written."
            )
            return
        self.stderr.write(
            f"{summary.year}: {summary.added} add, {summary.deleted} delete, {len(summary.learners)} learners"
            + (" (dry run: nothing recorded)" if dry_run else "")
        )
