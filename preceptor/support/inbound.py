"""Mail from members to the support desk: the signed reply address that threads a reply to its ticket, trimming
the quoted history, and reading Postmark's inbound JSON or a message from a Maildir into one shape.

The reply address is ``support+<reference>.<signature>@SUPPORT_REPLY_DOMAIN``: the signature is an HMAC of the
ticket's reference under the site's secret key (``django.utils.crypto.salted_hmac``), so nobody can write into a
ticket whose address they were not sent. Lower-case hexadecimal, as mail servers may change the case.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "preceptor.support.reply-address"
_ADDRESS = re.compile(r"^support\+([a-z0-9]{6,12})\.([0-9a-f]{20})@(.+)$", re.IGNORECASE)


class Refused(ValueError):
    """The message cannot be taken: no or a forged reference, a sender that is not the ticket's, bad input."""


@dataclass
class InboundFile:
    filename: str
    content: bytes
    content_type: str


@dataclass
class InboundMail:
    sender: str
    recipients: list[str]
    text: str
    files: list[InboundFile] = field(default_factory=list)
    stripped: str = ""  # the provider's own reply without the quote, when it sends one


def reference_signature(reference: str) -> str:
    return salted_hmac(SALT, reference.upper(), algorithm="sha256").hexdigest()[:20]


def reply_address(reference: str) -> str:
    return f"support+{reference.lower()}.{reference_signature(reference)}@{settings.SUPPORT_REPLY_DOMAIN}"


def reference_from(recipients: list[str]) -> str | None:
    """The ticket reference of the first recipient with a valid signed address (None when there is none)."""
    for recipient in recipients:
        match = _ADDRESS.match(recipient.strip())
        if not match or match.group(3).lower() != settings.SUPPORT_REPLY_DOMAIN.lower():
            continue
        reference, signature = match.group(1).upper(), match.group(2).lower()
        if constant_time_compare(signature, reference_signature(reference)):
            return reference
    return None


_QUOTE_HEADERS = (
    re.compile(r"^\s*On .{1,300}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^\s*Am .{1,300}schrieb .{0,200}:\s*$", re.IGNORECASE),
    re.compile(r"^\s*-{2,}\s*(Original Message|Ursprüngliche Nachricht)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^\s*From:\s.+$"),
    re.compile(r"^\s*Von:\s.+$"),
)


def trim_quoted(text: str) -> str:
    """The new part of a reply: everything before the quoted history (an "On … wrote:" line, an "Original
    Message" rule, a From: header block or the first run of "> " lines), and without the signature ("-- ")."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if line.startswith(">") or any(pattern.match(line) for pattern in _QUOTE_HEADERS) or line == "-- ":
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _address(value: Any) -> str:
    if not isinstance(value, str) or "@" not in value or len(value) > 254:
        raise Refused("no valid sender address")
    return value.strip()


def from_postmark(payload: Any) -> InboundMail:
    """Postmark's inbound webhook JSON (``From``/``FromFull``, ``ToFull``/``To``, ``TextBody``,
    ``StrippedTextReply``, ``Attachments`` with base64 ``Content``)."""
    if not isinstance(payload, dict):
        raise Refused("not a Postmark inbound message")
    sender_full = payload.get("FromFull")
    sender = _address(sender_full.get("Email") if isinstance(sender_full, dict) else payload.get("From"))
    recipients: list[str] = []
    for key in ("ToFull", "CcFull"):
        entries = payload.get(key) or []
        if not isinstance(entries, list):
            raise Refused(f"{key} is not a list")
        recipients += [e["Email"] for e in entries if isinstance(e, dict) and isinstance(e.get("Email"), str)]
    for key in ("To", "OriginalRecipient"):
        if isinstance(payload.get(key), str):
            recipients += [address for _name, address in getaddresses([payload[key]])]
    text = payload.get("TextBody") or ""
    stripped = payload.get("StrippedTextReply") or ""
    if not isinstance(text, str) or not isinstance(stripped, str):
        raise Refused("the text is not a string")
    files = []
    attachments = payload.get("Attachments") or []
    if not isinstance(attachments, list):
        raise Refused("Attachments is not a list")
    for item in attachments:
        if not isinstance(item, dict) or not isinstance(item.get("Content"), str):
            raise Refused("an attachment has no content")
        try:
            content = base64.b64decode(item["Content"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused("an attachment is not base64") from exc
        files.append(
            InboundFile(
                filename=str(item.get("Name") or "attachment")[:200],
                content=content,
                content_type=str(item.get("ContentType") or "application/octet-stream")[:100],
            )
        )
    return InboundMail(sender=sender, recipients=recipients, text=text, files=files, stripped=stripped)


def from_bytes(raw: bytes) -> InboundMail:
    """A message as stored in a Maildir (RFC 5322 bytes)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    senders = getaddresses([str(message.get("From", ""))])
    sender = _address(senders[0][1] if senders else "")
    recipients = [
        address
        for _name, address in getaddresses(
            [str(v) for key in ("To", "Cc", "Delivered-To", "X-Original-To") for v in message.get_all(key, [])]
        )
    ]
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    files = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True)
        if isinstance(content, bytes):
            files.append(
                InboundFile(
                    filename=(part.get_filename() or "attachment")[:200],
                    content=content,
                    content_type=part.get_content_type()[:100],
                )
            )
    return InboundMail(sender=sender, recipients=recipients, text=str(text), files=files)
