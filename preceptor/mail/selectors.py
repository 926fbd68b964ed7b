from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from preceptor.accounts.models import User
from preceptor.mail.models import (
    CampaignCounter,
    EmailEvent,
    EmailPreference,
    MailingList,
    Newsletter,
    NewsletterDelivery,
)
from preceptor.privacy.models import ConsentRecord


def preferences_for(user: User) -> EmailPreference:
    """The member's preferences, or the defaults (unsaved: ``save()`` stores them) while they never chose, so
    that reading them, as the preferences page's GET does, writes nothing."""
    return EmailPreference.objects.filter(user=user).first() or EmailPreference(user=user)


def newsletters_with_counts() -> list[Newsletter]:
    """Every newsletter, newest first, each with ``sent_count`` and ``failed_count``."""
    return list(
        Newsletter.objects.annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__status=NewsletterDelivery.Status.SENT)),
            failed_count=Count("deliveries", filter=Q(deliveries__status=NewsletterDelivery.Status.FAILED)),
        ).order_by("-created_at")
    )


def newsletter_report(newsletter: Newsletter) -> dict[str, int]:
    """The delivery report: sent, failed, skipped, still sending, unsubscribed after it; opens and clicks of
    members who consented to tracking (people and events), and the anonymous click count kept for everyone."""
    by_status = dict(
        NewsletterDelivery.objects.filter(newsletter=newsletter)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    events = EmailEvent.objects.filter(campaign=newsletter.campaign)
    opens = events.filter(kind__in=[EmailEvent.Kind.OPEN, EmailEvent.Kind.MACHINE_OPEN])
    clicks = events.filter(kind=EmailEvent.Kind.CLICK)
    anonymous = dict(CampaignCounter.objects.filter(campaign=newsletter.campaign).values_list("kind", "count"))
    return {
        "sent": by_status.get(NewsletterDelivery.Status.SENT, 0),
        "failed": by_status.get(NewsletterDelivery.Status.FAILED, 0),
        "skipped": by_status.get(NewsletterDelivery.Status.SKIPPED, 0),
        "sending": by_status.get(NewsletterDelivery.Status.SENDING, 0),
        "unsubscribed": NewsletterDelivery.objects.filter(newsletter=newsletter, unsubscribed_at__isnull=False).count(),
        "opened_by": opens.values("user").distinct().count(),
        "opens": opens.count(),
        "clicked_by": clicks.values("user").distinct().count(),
        "clicks": clicks.count(),
        "clicks_anonymous": anonymous.get(EmailEvent.Kind.CLICK, 0),
    }


def tracking_granted(user_ids: list[int]) -> set[int]:
    """Of ``user_ids``, the members whose latest consent decision grants e-mail tracking: ``member_grants(user,
    "email_tracking")`` (privacy.selectors) for a whole newsletter batch in one query."""
    latest: dict[int, list[str]] = {}
    records = ConsentRecord.objects.filter(user_id__in=user_ids).order_by("user_id", "created_at", "pk")
    for user_id, granted in records.values_list("user_id", "granted"):
        latest[user_id] = granted
    return {user_id for user_id, granted in latest.items() if granted and "email_tracking" in granted}


def newsletter_recipients(newsletter: Newsletter) -> QuerySet[User]:
    """Active members who ticked the newsletter's list and have no delivery of it yet, in a stable order."""
    if newsletter.mailing_list not in MailingList.values:
        return User.objects.none()
    done = NewsletterDelivery.objects.filter(newsletter=newsletter, user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True, **{f"email_preference__{newsletter.mailing_list}": True})
        .filter(~Q(email=""))
        .filter(~Exists(done))
        .order_by("pk")
    )
