"""N1 (docs/decisions/0035): newsletter e-mails rendered and handed to the mail backend per second,
in process, one core, with the locmem backend (no network): what ``mail.services.newsletter_batch_send`` does for
each recipient (claim row, suppression and consent checks, render in the member's language, send, record), against
a baseline measured in the same run: the same marketing message rendered with ``core.mail.email_render`` and sent,
with no database work. Prints one JSON line; run by bench/run.py, or alone:

    SQLITE_PATH=/tmp/newsletter.sqlite3 EMAIL_URL=locmem: python bench/newsletter.py [members]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")
os.environ["EMAIL_URL"] = "locmem:"

import django  # noqa: E402 - after the path and settings are set up above

django.setup()

from django.core import mail  # noqa: E402 - after the path and settings are set up above
from django.core.management import call_command  # noqa: E402 - after the path and settings are set up above
from django.db import transaction  # noqa: E402 - after the path and settings are set up above
from django.test import RequestFactory  # noqa: E402 - after the path and settings are set up above

BODY = (
    "## Three new courses\n\nThis month: **atrial fibrillation**, *heart block* and [ECG basics](https://example.org/"
    "courses/ecg/).\n\n- Live class on 12 March\n- New quiz questions\n\nRead more in [the magazine](https://example."
    "org/magazine/)."
)


def seed(members: int) -> None:
    from preceptor.accounts.models import User
    from preceptor.mail.models import EmailPreference
    from preceptor.mail.services import suppression_add
    from preceptor.privacy.services import consent_record_create

    call_command("migrate", "--noinput", verbosity=0)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"member{i}@bench.invalid.example", full_name=f"Member {i}", password="!", language=lang)
            for i, lang in ((i, "de" if i % 3 == 0 else "en") for i in range(members))
        )
        # One in twenty never ticked the newsletter, or unsubscribed: not a recipient.
        EmailPreference.objects.bulk_create(
            EmailPreference(user=u, newsletter=i % 20 != 0) for i, u in enumerate(users)
        )
        for user in users[::10]:  # one in ten consented to e-mail tracking: pixel and named click links
            request = RequestFactory().post("/privacy/consent/")
            request.user = user
            consent_record_create(
                request=request, action="custom", surface="settings", granted=frozenset({"email_tracking"})
            )
        for user in users[7::100]:  # one in a hundred bounced once
            suppression_add(address=user.email, reason="bounce")


def baseline(count: int) -> float:
    """Marketing messages per second rendered with email_render and sent: no database, no tracking."""
    from django.core.mail import get_connection

    from preceptor.core.mail import email_render

    connection = get_connection()
    started = time.perf_counter()
    for n in range(count):
        message = email_render(
            template_prefix="mail/email/marketing",
            to=f"reader{n}@bench.invalid.example",
            context={"subject": "Three new courses", "text": BODY, "links": [], "text_links": [], "body_html": ""},
            headers={
                "List-Unsubscribe": "<https://example.org/u/>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.connection = connection
        message.send()
    return count / (time.perf_counter() - started)


def main() -> None:
    from preceptor.mail.models import Newsletter, NewsletterDelivery
    from preceptor.mail.services import newsletter_batch_send

    members = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seed(members)
    newsletter = Newsletter.objects.create(subject="Three new courses", body=BODY, status=Newsletter.Status.SENDING)
    mail.outbox = []
    batches = 0
    started = time.perf_counter()
    while True:
        batches += 1
        if not newsletter_batch_send(newsletter_id=newsletter.pk, batch_size=100)["more"]:
            break
    seconds = time.perf_counter() - started
    sent = len(mail.outbox)
    handled = NewsletterDelivery.objects.filter(newsletter=newsletter).count()
    mail.outbox = []
    base = baseline(min(sent, 1000) or 100)
    print(
        json.dumps(
            {
                "step": "n1",
                "members": members,
                "recipients": handled,
                "sent": sent,
                "batches": batches,
                "seconds": round(seconds, 2),
                "per_s": round(sent / seconds, 1),
                "baseline_per_s": round(base, 1),
                "ratio_to_baseline": round(sent / seconds / base, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
