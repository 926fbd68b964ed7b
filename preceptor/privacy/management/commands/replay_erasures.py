from django.core.management.base import BaseCommand

from preceptor.privacy.services import erasures_replay


class Command(BaseCommand):
    help = "After restoring a database backup: erase again every account in the erasure log that came back."

    def handle(self, *args, **options):
        count = erasures_replay()
        self.stdout.write(self.style.SUCCESS(f"Erased again: {count} account(s)."))
