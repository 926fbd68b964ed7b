import json

from django.core.management.base import BaseCommand, CommandError

from preceptor.analytics.logstats import count_file, main_progress, report, text_report


class Command(BaseCommand):
    help = (
        "Statistics from an nginx/Apache access log in Combined Log Format (plain or .gz), counted as GoAccess "
        "1.7 counts them: daily hits and unique visitors, requests per file, status codes; crawlers included "
        "unless --ignore-crawlers. --bots adds a section for Preceptor's broader bot rule."
    )
    # It reads a file and touches neither the database nor a URL: Django's system checks (half a second, a tenth
    # of the time for a million lines) are left to the commands that need them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument("--anonymize-ip", action="store_true", help="Count visitors on IPv4 /24 and IPv6 /48.")
        parser.add_argument("--countries", action="store_true", help="Look up countries (slower).")
        parser.add_argument(
            "--ignore-crawlers",
            action="store_true",
            help="Drop exactly the requests that goaccess --ignore-crawlers drops.",
        )
        parser.add_argument(
            "--bots",
            action="store_true",
            help="Also count, in a section of its own, the requests that Preceptor's bot rule calls bots "
            "(scripted clients, headless browsers, crawlers), with browsers and systems by Preceptor's names.",
        )
        parser.add_argument("--top", type=int, default=20)

    def handle(self, *args, **options):
        try:
            totals = count_file(
                options["file"],
                anonymize_ip=options["anonymize_ip"],
                countries=options["countries"],
                ignore_crawlers=options["ignore_crawlers"],
                bots=options["bots"],
                progress=main_progress(),
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        data = report(totals, top=options["top"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(text_report(data))
