"""Outgoing e-mail: built in one way (``email_render``), rendered in the request, sent by a Celery task after the
transaction commits (``email_queue``).

Every message is branded the same: the subject names the site, the plain-text part ends with the site's name,
address and web address, and a text/html alternative wraps the same content in ``core/email/base.html`` (inline
styles only: no external images, fonts or scripts). ``docs/decisions/0018-one-way-to-build-an-email.md``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import urlize
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message, e.g. a class's calendar entry (``text/calendar``)."""

    filename: str
    content: bytes | str
    mimetype: str


def email_brand() -> dict[str, str]:
    """What every e-mail says about who sends it: the site's name, web address, postal address, support address."""
    return {
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL.rstrip("/"),
        "address": settings.SITE_ADDRESS,
        "support_email": settings.SUPPORT_EMAIL,
    }


def email_subject(subject: str) -> str:
    """One line, naming the site: ``[Preceptor] …`` unless the subject names it already."""
    subject = " ".join(str(subject).split())
    if settings.SITE_NAME.lower() in subject.lower():
        return subject
    return f"[{settings.SITE_NAME}] {subject}"


def email_render(
    *,
    template_prefix: str,
    to: str | Sequence[str],
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] | None = None,
) -> EmailMultiAlternatives:
    """The message from ``<template_prefix>_subject.txt`` and ``_message.txt`` (and ``_message.html`` when there
    is one; else the text is shown in the branded HTML frame), in ``language`` (default: the active language).

    Text templates are rendered without HTML escaping (wrap them in ``{% autoescape off %}``); the HTML part
    escapes everything it shows. The caller queues it: ``email_queue(email_render(...))``.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        data: dict[str, Any] = {**(context or {}), "brand": email_brand(), "language": language}
        subject = email_subject(render_to_string(f"{template_prefix}_subject.txt", data))
        text = render_to_string(f"{template_prefix}_message.txt", data).strip()
        data.update(subject=subject, text_body=text, text_html=_text_as_html(text))
        footer = render_to_string("core/email/footer.txt", data).strip()
        try:
            html_template = get_template(f"{template_prefix}_message.html")
        except TemplateDoesNotExist:
            html_template = get_template("core/email/message.html")
        html = html_template.render(data)
    message = EmailMultiAlternatives(
        subject=subject,
        body=f"{text}\n\n{footer}\n",
        to=[to] if isinstance(to, str) else list(to),
        headers=dict(headers or {}),
        reply_to=list(reply_to) if reply_to is not None else [settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _text_as_html(text: str) -> str:
    """The plain text as HTML paragraphs, escaped, its links clickable and in the site's colour."""
    html = linebreaks(urlize(text, autoescape=True), autoescape=False)
    html = html.replace("<p>", '<p style="margin:0 0 14px 0;">')
    return mark_safe(html.replace("<a ", '<a style="color:#0f5c6e;text-decoration:underline;" '))  # noqa: S308 -- our own rendered e-mail HTML, not user input


def email_is_branded(message: EmailMessage) -> list[str]:
    """What is missing from ``message`` for it to be one of ours (empty when nothing): the site's name in the
    subject and in the text, and an HTML part that names the site. The test suite checks every message sent."""
    name = settings.SITE_NAME
    problems = []
    if name not in message.subject:
        problems.append(f"the subject {message.subject!r} does not name {name}")
    if name not in message.body:
        problems.append("the plain-text body does not name the site")
    html = [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]
    if not html:
        problems.append("there is no text/html alternative")
    elif not any(name in str(content) for content in html):
        problems.append("the HTML body does not name the site")
    return problems


def message_to_dict(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
        "attachments": [_attachment_to_dict(attachment) for attachment in message.attachments],
    }


def _attachment_to_dict(attachment: Any) -> dict[str, str]:
    """A (filename, content, mimetype) attachment in a form the task queue's JSON carries: bytes as base64."""
    filename, content, mimetype = attachment
    if isinstance(content, bytes):
        return {"filename": filename, "base64": base64.b64encode(content).decode("ascii"), "mimetype": mimetype}
    return {"filename": filename, "text": content, "mimetype": mimetype}


def message_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc"),
        bcc=data.get("bcc"),
        reply_to=data.get("reply_to"),
        headers=data.get("headers"),
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    for item in data.get("attachments", []):
        content = base64.b64decode(item["base64"]) if "base64" in item else item["text"]
        message.attach(item["filename"], content, item["mimetype"])
    return message


def email_queue(message: EmailMessage) -> None:
    """Send ``message`` from a background task once the current transaction has committed."""
    from preceptor.core.outbox import task_enqueue
    from preceptor.core.tasks import email_send

    payload = message_to_dict(message)
    # Kept in the database when the broker is away, and queued when it is back (core/outbox.py).
    transaction.on_commit(lambda: task_enqueue(email_send, payload))
