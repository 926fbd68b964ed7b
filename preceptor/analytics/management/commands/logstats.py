import json

from django.core.management.base import BaseCommand, CommandError

from preceptor.analytics.logstats import count, main_progress, open_log, report, text_report


class Command(BaseCommand):
    help = (
        "Statistics from an nginx/Apache access log in Combined Log Format (plain or .gz): daily unique "
        "visitors, requests per file, status codes, countries, browsers and systems; crawlers apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--anonymize-ip", action="store_true", help="Count visitors on IPv4 /24 and IPv6 /48.")
        parser.add_argument("--countries", action="store_true", help="Look up countries (slower).")
        parser.add_argument("--top", type=int, default=20)

    def handle(self, *args, **options):
        try:
            totals = count(
                open_log(options["file"]),
                anonymize_ip=options["anonymize_ip"],
                countries=options["countries"],
                progress=main_progress(),
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        data = report(totals, top=options["top"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(text_report(data))
