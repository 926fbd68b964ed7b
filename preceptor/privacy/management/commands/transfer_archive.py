"""A merger or acquisition, in two steps (decision 0028):

    manage.py transfer_archive notify --acquirer "Example Health GmbH" --notice-days 30
    manage.py transfer_archive export --acquirer "Example Health GmbH" --public-key acquirer.pem --output t.bin

``notify`` e-mails every member the notice and records the planned transfer; ``export`` (refused before the
notice period has passed) writes the complete archive encrypted to the acquirer's public key and a ledger row
naming the acquirer for each member in it. How to decrypt: ``preceptor/privacy/transfer.py``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from preceptor.privacy.models import PlannedTransfer
from preceptor.privacy.services import TransferNotDue, transfer_export, transfer_notify


class Command(BaseCommand):
    help = "Notify members of a merger or acquisition, then export their data encrypted to the acquirer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=["notify", "export"])
        parser.add_argument("--acquirer", required=True, help="The acquirer's name, as the members are told it.")
        parser.add_argument("--notice-days", type=int, help="notify: days between the notice and the transfer.")
        parser.add_argument("--public-key", type=Path, help="export: the acquirer's public key (PEM, RSA or X25519).")
        parser.add_argument("--output", type=Path, help="export: where to write the encrypted archive.")

    def handle(self, *args: object, **options: object) -> None:
        acquirer = str(options["acquirer"]).strip()
        if options["step"] == "notify":
            days = options["notice_days"]
            if not isinstance(days, int) or days < 1:
                raise CommandError("--notice-days must be a whole number of days, at least 1.")
            try:
                transfer = transfer_notify(acquirer=acquirer, notice_days=days)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"Notice queued to {transfer.members_notified} members; export possible from "
                f"{transfer.export_after:%Y-%m-%d %H:%M} UTC."
            )
            return
        key_path, output = options["public_key"], options["output"]
        if not isinstance(key_path, Path) or not isinstance(output, Path):
            raise CommandError("export needs --public-key and --output.")
        planned = PlannedTransfer.objects.filter(acquirer=acquirer, exported_at__isnull=True).first()
        if planned is None:
            raise CommandError(f"No notified, unexported transfer to {acquirer!r}: run the notify step first.")
        try:
            # One transaction with the file: if it cannot be written, no ledger row says it was transferred.
            with transaction.atomic():
                sealed = transfer_export(transfer=planned, public_key_pem=key_path.read_bytes())
                output.write_bytes(sealed)
        except (TransferNotDue, ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        planned.refresh_from_db()
        self.stdout.write(
            f"{planned.members_transferred} members written to {output} (key SHA-256 {planned.key_fingerprint})."
        )
