"""The e-mail a class's buyer gets once the payment is in: seated (or waitlisted), with the class as a calendar
file. A transactional message about a purchase, so it goes out whatever the member's mailing-list choices."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import timezone

from preceptor.classes.ics import class_ics
from preceptor.classes.models import Registration
from preceptor.core.http import absolute_url
from preceptor.core.mail import Attachment, email_queue, email_render


def purchase_confirmation_email(*, registration_id: int) -> EmailMessage:
    """Queue the confirmation (after the current transaction, if any, commits) and return it."""
    registration = Registration.objects.select_related("live_class", "user").get(pk=registration_id)
    live_class, user = registration.live_class, registration.user
    message = email_render(
        template_prefix="classes/email/purchase",
        to=user.email,
        context={
            "registration": registration,
            "live_class": live_class,
            "user": user,
            "starts": timezone.localtime(live_class.starts_at, user.zone),
            "url": absolute_url(live_class.get_absolute_url()),
        },
        attachments=[Attachment(f"{live_class.slug}.ics", class_ics(live_class).decode(), "text/calendar")],
        language=user.language or None,
    )
    email_queue(message)
    return message
