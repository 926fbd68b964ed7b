"""Marketing e-mail: preferences, RFC 8058 one-click unsubscribe, and tracking only under consent."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape

from preceptor.accounts.models import User
from preceptor.core.http import absolute_url
from preceptor.core.mail import email_queue
from preceptor.core.services import audit_event_record
from preceptor.mail.models import CampaignCounter, EmailEvent, EmailPreference, MailingList
from preceptor.privacy.selectors import member_grants

CLICK_SALT = "preceptor.mail.click"
MACHINE_OPENERS = ("googleimageproxy", "yahoomailproxy", "outlook", "apple mail privacy", "mailprivacy")


def preferences_for(user: User) -> EmailPreference:
    """The member's preferences, or the defaults (unsaved: ``save()`` stores them) while they never chose, so
    that reading them, as the preferences page's GET does, writes nothing."""
    return EmailPreference.objects.filter(user=user).first() or EmailPreference(user=user)


def unsubscribe_token(user_id: int, mailing_list: str) -> str:
    """HMAC(recipient, list): works without a session or cookie, cannot be forged for another member."""
    message = f"{user_id}:{mailing_list}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]
    return f"{user_id}.{mailing_list}.{digest}"


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, mailing_list, _digest = token.split(".", 2)
        expected = unsubscribe_token(int(user_id), mailing_list)
    except ValueError:
        return None
    if mailing_list not in MailingList.values or not hmac.compare_digest(expected, token):
        return None
    return int(user_id), mailing_list


@transaction.atomic
def unsubscribe(*, user_id: int, mailing_list: str) -> bool:
    preference, _ = EmailPreference.objects.get_or_create(user_id=user_id)
    if not getattr(preference, mailing_list):
        return False
    setattr(preference, mailing_list, False)
    preference.save(update_fields=[mailing_list, "updated_at"])
    audit_event_record(
        action="mail.unsubscribed", subject=preference.user, target=preference, data={"list": mailing_list}
    )
    return True


def tracked_link(*, user: User, campaign: str, url: str, track_recipient: bool) -> str:
    """A first-party, signed redirect; it names the recipient only under the e-mail tracking consent."""
    payload: dict[str, Any] = {"c": campaign, "u": url}
    if track_recipient:
        payload["r"] = user.pk
    return absolute_url(reverse("mail:click", args=[signing.dumps(payload, salt=CLICK_SALT)]))


def marketing_message(
    *, user: User, mailing_list: str, campaign: str, subject: str, text: str, links: dict[str, str] | None = None
) -> EmailMultiAlternatives | None:
    """The message, or None when the member does not want this list. Carries RFC 8058 headers; an open pixel
    and per-recipient click tracking only when the member granted e-mail tracking."""
    if not preferences_for(user).wants(mailing_list):
        return None
    track = member_grants(user, "email_tracking")
    token = unsubscribe_token(user.pk, mailing_list)
    unsubscribe_url = absolute_url(reverse("mail:unsubscribe", args=[token]))
    html_links = "".join(
        f'<p><a href="{escape(tracked_link(user=user, campaign=campaign, url=url, track_recipient=track))}">'
        f"{escape(label)}</a></p>"
        for label, url in (links or {}).items()
    )
    pixel = (
        (
            f'<img src="{absolute_url(reverse("mail:open", args=[signing.dumps([campaign, user.pk], salt=CLICK_SALT)]))}"'  # noqa: E501
            ' width="1" height="1" alt="">'
        )
        if track
        else ""
    )
    html = f'<p>{escape(text)}</p>{html_links}<p><a href="{unsubscribe_url}">Unsubscribe</a></p>{pixel}'
    message = EmailMultiAlternatives(
        subject=subject,
        body=f"{text}\n\n"
        + "".join(f"{label}: {url}\n" for label, url in (links or {}).items())
        + f"\nUnsubscribe: {unsubscribe_url}\n",
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{settings.SUPPORT_EMAIL}?subject=unsubscribe-{token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def marketing_send(**kwargs: Any) -> bool:
    message = marketing_message(**kwargs)
    if message is None:
        return False
    email_queue(message)
    return True


def _count(campaign: str, kind: str) -> None:
    updated = CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)
    if not updated:
        CampaignCounter.objects.get_or_create(campaign=campaign, kind=kind)
        CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)


def open_record(*, token: str, user_agent: str) -> None:
    try:
        campaign, user_id = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError):
        return
    machine = any(marker in user_agent.lower() for marker in MACHINE_OPENERS)
    kind = EmailEvent.Kind.MACHINE_OPEN if machine else EmailEvent.Kind.OPEN
    _count(campaign, kind)
    user = User.objects.filter(pk=user_id).first()
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=campaign, kind=kind)


def click_target(*, token: str) -> str | None:
    """The link's target if the token is ours and the target is http(s); otherwise None (no open redirect)."""
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    url = data.get("u", "")
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    _count(data.get("c", ""), EmailEvent.Kind.CLICK)
    user = User.objects.filter(pk=data["r"]).first() if data.get("r") else None
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=data.get("c", ""), kind=EmailEvent.Kind.CLICK, url=url[:500])
    return url
