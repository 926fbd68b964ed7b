from django.core.management.base import BaseCommand

from preceptor.privacy.services import retention_run


class Command(BaseCommand):
    help = "Run the daily retention jobs (also scheduled by Celery beat) and print what they did."

    def handle(self, *args, **options):
        run = retention_run()
        for name, count in run.counts.items():
            self.stdout.write(f"{name}: {count}")
