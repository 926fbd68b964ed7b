from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from preceptor.core.personal_data import (
    DataCategory,
    Duration,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)
from preceptor.mail.models import EmailEvent, EmailPreference, NewsletterDelivery, SuppressedAddress

PERSONAL_DATA = [
    PersonalData(
        model=EmailPreference,
        name=gettext_noop("E-mail preferences"),
        fields=("newsletter", "product_news", "class_reminders", "assignment_reminders", "updated_at"),
        purpose=gettext_noop("Sending only the optional e-mails you asked for."),
        purposes=(Purpose.EMAIL,),
        bases=(LegalBasis.CONSENT,),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
        erasure="delete",
        processors=("email",),
    ),
    PersonalData(
        model=EmailEvent,
        name=gettext_noop("E-mail opens and clicks"),
        fields=("campaign", "kind", "url", "created_at"),
        purpose=gettext_noop("Opens and clicks per recipient, only with your e-mail tracking consent."),
        purposes=(Purpose.EMAIL, Purpose.STATISTICS),
        bases=(LegalBasis.CONSENT,),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.OBSERVED,),
        rules=(
            Duration(
                period=Period(amount=12, unit="months", setting="RETENTION_EMAIL_EVENTS_MONTHS"), anchor="created_at"
            ),
        ),
        erasure="delete",
    ),
    PersonalData(
        model=SuppressedAddress,
        name=gettext_noop("Suppressed e-mail addresses"),
        fields=("address_hash", "reason", "created_at"),
        purpose=(
            gettext_noop(
                "Never sending unasked e-mail again to the address of an erased account: a keyed hash of the address, "
                "which cannot be turned back into it."
            )
        ),
        purposes=(Purpose.EMAIL,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        categories=(DataCategory.CONTACT,),
        sources=(Source.MEMBER,),
        rules=(
            Duration(
                period=Period(amount=10, unit="years", setting="RETENTION_SUPPRESSION_YEARS"), anchor="created_at"
            ),
        ),
        erasure="keep",
    ),
    PersonalData(
        model=NewsletterDelivery,
        name=gettext_noop("Newsletters sent to you"),
        fields=("newsletter", "status", "error", "created_at", "sent_at", "unsubscribed_at"),
        purpose=gettext_noop(
            "Sending each newsletter you asked for once, and counting how many were delivered, failed or led to an "
            "unsubscribe."
        ),
        purposes=(Purpose.EMAIL,),
        bases=(LegalBasis.CONSENT,),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.OBSERVED,),
        rules=(
            Duration(
                period=Period(amount=24, unit="months", setting="RETENTION_NEWSLETTER_DELIVERIES_MONTHS"),
                anchor="created_at",
            ),
        ),
        erasure="pseudonymise",
        processors=("email",),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    preference = EmailPreference.objects.filter(user=user).first()
    return {
        "email_preferences": row(preference, PERSONAL_DATA[0].fields) if preference else None,
        "email_events": [row(e, PERSONAL_DATA[1].fields) for e in EmailEvent.objects.filter(user=user)],
        "newsletters": [
            {**row(d, PERSONAL_DATA[3].fields), "newsletter": d.newsletter.subject}
            for d in NewsletterDelivery.objects.filter(user=user).select_related("newsletter").order_by("created_at")
        ],
    }


def erase_user(user: Any) -> list[str]:
    from preceptor.mail.models import SuppressedAddress
    from preceptor.mail.services import suppression_add

    EmailEvent.objects.filter(user=user).delete()
    EmailPreference.objects.filter(user=user).delete()
    # The delivery report's counts stay; whom each newsletter reached does not.
    NewsletterDelivery.objects.filter(user=user).update(user=None)
    # Runs before the accounts app replaces the address: no mail is sent unasked to it again (decision 0029).
    if suppression_add(address=user.email, reason=SuppressedAddress.Reason.ERASURE, subject=user) is None:
        return []
    return [
        gettext(
            "E-mail suppression list: a keyed hash of your address, which cannot be turned back into it, so that "
            "we never send unasked e-mail to it again."
        )
    ]
