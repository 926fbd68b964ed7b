"""The marketing e-mail as it is sent: only to members who want the list, with RFC 8058 one-click unsubscribe,
and an open pixel and per-recipient click tracking only under the member's e-mail tracking consent."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.html import escape

from preceptor.accounts.models import User
from preceptor.core.http import absolute_url
from preceptor.mail.selectors import preferences_for
from preceptor.mail.tokens import CLICK_SALT, tracked_link, unsubscribe_token
from preceptor.privacy.selectors import member_grants


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
    pixel = ""
    if track:
        open_url = absolute_url(reverse("mail:open", args=[signing.dumps([campaign, user.pk], salt=CLICK_SALT)]))
        pixel = f'<img src="{open_url}" width="1" height="1" alt="">'
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
