"""ACCME PARS learner-completion export: ``manage.py export_pars --year 2026 --format json``."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from preceptor.cme.pars import YearClosed, export_pars


class Command(BaseCommand):
    help = (
        "Write the year's PARS learner records (add/delete) for members who consented, to stdout or --output. "
        "What is written is remembered as sent, unless --dry-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "xml", "tsv"], default="json")
        parser.add_argument("--output", help="File to write (default: standard output).")
        parser.add_argument("--dry-run", action="store_true", help="Write the file but do not record it as sent.")

    def handle(self, *args, **options) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("Give a four-digit --year.")
        try:
            if options["output"]:
                with open(options["output"], "w", encoding="utf-8", newline="") as out:
                    summary = export_pars(year=year, fmt=options["format"], out=out, record=not options["dry_run"])
            else:
                summary = export_pars(year=year, fmt=options["format"], out=sys.stdout, record=not options["dry_run"])
        except YearClosed as closed:
            raise CommandError(str(closed)) from None
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if summary.skipped_no_activity_id:
            self.stderr.write(
                self.style.WARNING(f"{summary.skipped_no_activity_id} completions skipped: activity has no ACCME id.")
            )
        self.stderr.write(
            f"{year}: {summary.added} add, {summary.deleted} delete, {len(summary.learners)} learners"
            + (" (dry run: nothing recorded)" if options["dry_run"] else "")
        )
