import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from preceptor.privacy.policy import processing_record_json, processing_record_text


class Command(BaseCommand):
    help = (
        "Print the record of processing activities (GDPR art. 30), generated from the privacy declarations and the "
        "processors register: Markdown text (default) or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("text", "json"), default="text", help="text (Markdown) or json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "json":
            self.stdout.write(json.dumps(processing_record_json(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(processing_record_text())
