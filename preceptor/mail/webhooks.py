"""Bounces and spam complaints from the mail provider: each suppresses the address (``SuppressedAddress``, reason
``bounce`` or ``complaint``), so no unasked mail goes to it again. Two formats (docs/mail-webhooks.md):

- ``POST /mail/webhooks/bounces/``: our own, ``{"events": [{"type": "bounce"|"complaint", "email": "…",
  "permanent": true}]}`` (or one event object), for any provider or a relay script;
- ``POST /mail/webhooks/postmark/``: Postmark's bounce and spam-complaint webhooks as Postmark sends them.

Both need ``MAIL_WEBHOOK_SECRET`` (off, 404, while it is empty), given as ``Authorization: Bearer <secret>`` or as
the password of HTTP basic auth (Postmark: ``https://postmark:<secret>@host/mail/webhooks/postmark/``), compared in
constant time. Malformed input is refused with 400 and changes nothing; an address that is no member's is still
suppressed (it is where our mail went) and answered 200, so the provider does not retry.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from preceptor.mail.services import delivery_problem_record

MAX_EVENTS = 1000
# Postmark bounce types that mean the address will not take mail (others, such as SoftBounce or Transient, pass).
POSTMARK_PERMANENT = {"HardBounce", "BadEmailAddress", "SpamComplaint", "ManuallyDeactivated"}


class BadPayload(ValueError):
    pass


def authorised(request: HttpRequest, secret: str) -> bool:
    """Whether the request carries ``secret`` as a Bearer token or as the basic-auth password."""
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    given = ""
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return False
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


def _guarded(request: HttpRequest) -> HttpResponse | None:
    secret = settings.MAIL_WEBHOOK_SECRET
    if not secret:
        raise Http404
    if not authorised(request, secret):
        response = HttpResponse("unauthorised", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Basic realm="mail webhooks"'
        return response
    return None


def _json(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadPayload("the body is not JSON") from exc


def _address(value: Any) -> str:
    if not isinstance(value, str) or "@" not in value or len(value) > 254 or any(c.isspace() for c in value.strip()):
        raise BadPayload("an event has no valid e-mail address")
    return value.strip()


def own_events(payload: Any) -> list[tuple[str, str]]:
    """(kind, address) for each permanent bounce or complaint in our format; BadPayload if anything is off."""
    events = payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS:
        raise BadPayload(f"expected 1 to {MAX_EVENTS} events")
    found = []
    for event in events:
        if not isinstance(event, dict) or event.get("type") not in ("bounce", "complaint"):
            raise BadPayload('each event needs "type": "bounce" or "complaint"')
        permanent = event.get("permanent", True)
        if not isinstance(permanent, bool):
            raise BadPayload('"permanent" must be true or false')
        address = _address(event.get("email"))
        if event["type"] == "complaint" or permanent:
            found.append((event["type"], address))
    return found


def postmark_events(payload: Any) -> list[tuple[str, str]]:
    """Postmark's bounce (``RecordType: "Bounce"``) or spam complaint (``"SpamComplaint"``) record; other record
    types (deliveries, opens) and temporary bounces give nothing."""
    if not isinstance(payload, dict) or not isinstance(payload.get("RecordType"), str):
        raise BadPayload("not a Postmark webhook record")
    record = payload["RecordType"]
    if record == "SpamComplaint":
        return [("complaint", _address(payload.get("Email")))]
    if record != "Bounce":
        return []
    address = _address(payload.get("Email"))
    if payload.get("Type") == "SpamComplaint":
        return [("complaint", address)]
    if payload.get("Type") in POSTMARK_PERMANENT or payload.get("Inactive") is True:
        return [("bounce", address)]
    return []


def _receive(request: HttpRequest, parse: Any) -> HttpResponse:
    refused = _guarded(request)
    if refused is not None:
        return refused
    try:
        events = parse(_json(request))
    except BadPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    with transaction.atomic():
        members = sum(delivery_problem_record(address=address, kind=kind) for kind, address in events)
    return JsonResponse({"suppressed": len(events), "members": members})


@csrf_exempt  # a provider's server calls it; the shared secret is the proof
@require_POST
def bounces(request: HttpRequest) -> HttpResponse:
    return _receive(request, own_events)


@csrf_exempt  # Postmark calls it; the shared secret (basic auth) is the proof
@require_POST
def postmark(request: HttpRequest) -> HttpResponse:
    return _receive(request, postmark_events)
