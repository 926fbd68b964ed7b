from django.core.management.base import BaseCommand

from preceptor.core.models import OutboxTask
from preceptor.core.outbox import outbox_flush


class Command(BaseCommand):
    help = (
        "Queue the background tasks kept in the database while the broker was away (also run by Celery beat). "
        "Safe to repeat: each task is queued once and then deleted."
    )

    def handle(self, *args, **options):
        sent = outbox_flush()
        left = OutboxTask.objects.count()
        self.stdout.write(f"queued: {sent}, still waiting: {left}")
        if left and not sent:
            self.stderr.write("The broker did not take any task; see the log for why.")
