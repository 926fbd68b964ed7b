"""Read replies to support tickets from a Maildir (e.g. one that fetchmail or the MTA delivers into), for a site
that does not use Postmark's inbound webhook: ``python manage.py support_read_maildir /var/mail/support``.

Each new message is threaded into its ticket by the signed reply address and removed from the Maildir; a refused
one (no or a forged reference, a stranger's sender, attachments beyond the limits) stores nothing and is moved
to ``cur`` with the "seen" and "trashed" flags, so it is not read again and an operator can look at it.
Run it every minute or two from cron or a systemd timer.
"""

from __future__ import annotations

import mailbox
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from preceptor.support.inbound import Refused, from_bytes
from preceptor.support.services import inbound_receive


class Command(BaseCommand):
    help = "Thread the replies in a Maildir into their support tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("maildir", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["maildir"]
        if not (path / "new").is_dir() or not (path / "cur").is_dir():
            raise CommandError(f"{path} is not a Maildir (no new/ and cur/ folders).")
        box = mailbox.Maildir(path, factory=None, create=False)
        taken = refused = 0
        for key in list(box.iterkeys()):
            message = box.get_message(key)
            if message.get_subdir() == "cur" and "T" in message.get_flags():
                continue  # refused earlier
            try:
                inbound_receive(mail=from_bytes(message.as_bytes()))
            except Refused as refusal:
                refused += 1
                self.stderr.write(f"refused {key}: {refusal}")
                message.set_subdir("cur")
                message.add_flag("ST")
                box[key] = message
            else:
                taken += 1
                box.remove(key)
        self.stdout.write(f"{taken} replies threaded, {refused} refused.")
