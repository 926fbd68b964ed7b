"""Marketing e-mail: preferences, RFC 8058 one-click unsubscribe, and tracking only under consent."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core import signing
from django.db import transaction
from django.db.models import F

from preceptor.accounts.models import User
from preceptor.core.mail import email_queue
from preceptor.core.services import audit_event_record
from preceptor.mail.messages import marketing_message
from preceptor.mail.models import CampaignCounter, EmailEvent, EmailPreference
from preceptor.mail.tokens import CLICK_SALT
from preceptor.privacy.selectors import member_grants

MACHINE_OPENERS = ("googleimageproxy", "yahoomailproxy", "outlook", "apple mail privacy", "mailprivacy")


@transaction.atomic
def mailing_list_unsubscribe(*, user_id: int, mailing_list: str) -> bool:
    if not User.objects.filter(pk=user_id).exists():  # a link in an old e-mail of an erased member: nothing to stop
        return False
    preference, _ = EmailPreference.objects.get_or_create(user_id=user_id)
    if not getattr(preference, mailing_list):
        return False
    setattr(preference, mailing_list, False)
    preference.save(update_fields=[mailing_list, "updated_at"])
    audit_event_record(
        action="mail.unsubscribed", subject=preference.user, target=preference, data={"list": mailing_list}
    )
    return True


@transaction.atomic
def marketing_send(
    *, user: User, mailing_list: str, campaign: str, subject: str, text: str, links: dict[str, str] | None = None
) -> bool:
    """Queue the marketing message (``messages.marketing_message``), sent after commit; False when the member
    does not want this list."""
    message = marketing_message(
        user=user, mailing_list=mailing_list, campaign=campaign, subject=subject, text=text, links=links
    )
    if message is None:
        return False
    email_queue(message)
    return True


def _count(campaign: str, kind: str) -> None:
    updated = CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)
    if not updated:
        CampaignCounter.objects.get_or_create(campaign=campaign, kind=kind)
        CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)


@transaction.atomic
def open_record(*, token: str, user_agent: str) -> bool:
    """Count the open; False, counting nothing, when the token is not an open pixel's (forged, or another kind
    of token signed with the same salt, such as a click link's)."""
    try:
        payload = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError):
        return False
    if not (isinstance(payload, list) and len(payload) == 2):
        return False
    campaign, user_id = payload
    if not isinstance(campaign, str) or not isinstance(user_id, int):
        return False
    machine = any(marker in user_agent.lower() for marker in MACHINE_OPENERS)
    kind = EmailEvent.Kind.MACHINE_OPEN if machine else EmailEvent.Kind.OPEN
    _count(campaign, kind)
    user = User.objects.filter(pk=user_id).first()
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=campaign, kind=kind)
    return True


@transaction.atomic
def click_record(*, token: str) -> str | None:
    """Count the click and answer the link's target if the token is ours and the target is http(s); otherwise
    None (no open redirect)."""
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):  # an open pixel's token (a list) signed with the same salt
        return None
    url = data.get("u", "")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        return None
    _count(data.get("c", ""), EmailEvent.Kind.CLICK)
    user = User.objects.filter(pk=data["r"]).first() if data.get("r") else None
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=data.get("c", ""), kind=EmailEvent.Kind.CLICK, url=url[:500])
    return url
