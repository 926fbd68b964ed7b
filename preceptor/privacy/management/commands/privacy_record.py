from django.core.management.base import BaseCommand

from preceptor.privacy.registry import processing_record_markdown


class Command(BaseCommand):
    help = "Print the record of processing activities (GDPR art. 30), generated from the privacy registry."

    def handle(self, *args, **options):
        self.stdout.write(processing_record_markdown())
