"""The marketing e-mail as it is sent: only to members who want the list, with RFC 8058 one-click unsubscribe,
and an open pixel and per-recipient click tracking only under the member's e-mail tracking consent. A newsletter
(``models.Newsletter``) is one such message, its Markdown shown as sanitised HTML whose links are counted."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from preceptor.accounts.models import User
from preceptor.core.http import absolute_url
from preceptor.core.mail import email_render
from preceptor.mail.selectors import preferences_for
from preceptor.mail.suppression import is_refused
from preceptor.mail.tokens import CLICK_SALT, tracked_link, unsubscribe_token
from preceptor.privacy.selectors import member_grants

if TYPE_CHECKING:
    from preceptor.mail.models import Newsletter


def marketing_message(
    *, user: User, mailing_list: str, campaign: str, subject: str, text: str, links: dict[str, str] | None = None
) -> EmailMultiAlternatives | None:
    """The message, or None when the member does not want this list or the address is suppressed (an erased
    member's: ``mail.suppression``). Carries RFC 8058 headers; an open pixel
    and per-recipient click tracking only when the member granted e-mail tracking."""
    if not preferences_for(user).wants(mailing_list) or is_refused(user.email):
        return None
    return marketing_render(
        user=user, mailing_list=mailing_list, campaign=campaign, subject=subject, text=text, links=links
    )


def marketing_render(
    *,
    user: User,
    mailing_list: str,
    campaign: str,
    subject: str,
    text: str,
    links: dict[str, str] | None = None,
    body_html: str = "",
    track: bool | None = None,
    count_clicks: bool = True,
) -> EmailMultiAlternatives:
    """The marketing message for ``user``, without asking whether they want it (the callers do). ``body_html``
    (sanitised HTML: ``newsletter_body_html``) replaces the text in the HTML part, its links made counted links.
    ``track`` defaults to the member's e-mail tracking consent; a test send neither tracks nor counts clicks."""
    if track is None:
        track = member_grants(user, "email_tracking")
    token = unsubscribe_token(user.pk, mailing_list)
    unsubscribe_url = absolute_url(reverse("mail:unsubscribe", args=[token]))
    open_url = ""
    if track:
        open_url = absolute_url(reverse("mail:open", args=[signing.dumps([campaign, user.pk], salt=CLICK_SALT)]))
    context = {
        "subject": subject,
        "text": text,
        "links": [  # the HTML part's links are counted (per recipient only under consent); the text's are not
            (label, tracked_link(user=user, campaign=campaign, url=url, track_recipient=track))
            for label, url in (links or {}).items()
        ],
        "text_links": list((links or {}).items()),
        "unsubscribe_url": unsubscribe_url,
        "open_url": open_url,
        "body_html": _links_rewritten(
            body_html,
            lambda url: (
                tracked_link(user=user, campaign=campaign, url=url, track_recipient=bool(track))
                if count_clicks
                else url
            ),
        )
        if body_html
        else "",
    }
    return email_render(
        template_prefix="mail/email/marketing",
        context=context,
        to=user.email,
        language=user.language or None,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{settings.SUPPORT_EMAIL}?subject=unsubscribe-{token}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


_HREF = re.compile(r'<a href="([^"]*)"')
_LINK_STYLE = "color:#0f5c6e;text-decoration:underline;"


def newsletter_body_html(newsletter: Newsletter) -> str:
    """The newsletter's Markdown as sanitised HTML (``core.text.render_markdown``), rendered once per batch."""
    from preceptor.core.text import render_markdown

    return str(render_markdown(newsletter.body))


def _links_rewritten(body_html: str, link: Callable[[str], str]) -> SafeString:
    """``body_html`` (nh3's output: every ``href`` double-quoted and escaped) with each http(s) link replaced by
    ``link(url)`` and styled for e-mail; mailto links stay as they are."""

    def replace(match: re.Match[str]) -> str:
        url = html_lib.unescape(match.group(1))
        if url.startswith(("http://", "https://")):
            url = link(url)
        return f'<a style="{_LINK_STYLE}" href="{html_lib.escape(url)}"'

    html = _HREF.sub(replace, body_html).replace("<p>", '<p style="margin:0 0 14px 0;">')
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 (render_markdown); only our own escaped hrefs added


def newsletter_message(
    *,
    newsletter: Newsletter,
    user: User,
    body_html: str | None = None,
    track: bool | None = None,
    test: bool = False,
) -> EmailMultiAlternatives:
    """The newsletter as ``user`` gets it, in their language; ``track`` (default: the member's e-mail tracking
    consent) is given by a sender that read the consent of a whole batch at once. ``test``: the staff member's own
    copy before sending (subject marked, no tracking, links not counted). Whether the member may get it is the
    sender's question (``services.newsletter_batch_send``)."""
    subject = newsletter.subject
    if test:
        with translation.override(user.language or translation.get_language()):
            subject = gettext("[Test] %(subject)s") % {"subject": subject}
    return marketing_render(
        user=user,
        mailing_list=newsletter.mailing_list,
        campaign=newsletter.campaign,
        subject=subject,
        text=newsletter.body,
        body_html=newsletter_body_html(newsletter) if body_html is None else body_html,
        track=False if test else track,
        count_clicks=not test,
    )
