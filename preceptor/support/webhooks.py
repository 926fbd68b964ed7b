"""Replies by e-mail, as Postmark's inbound webhook posts them (docs/support-inbound.md):
``POST /support/webhooks/postmark/`` with Postmark's inbound JSON, authenticated like the bounce webhooks
(``mail.webhooks.authorised``: ``Authorization: Bearer <secret>`` or basic auth with the secret as password) with
``SUPPORT_INBOUND_SECRET``; 404 while the secret is empty.

The reply is threaded by its signed reply address; a message with no or a forged reference, from a sender who is
not the ticket's, or with attachments beyond the limits is refused with 4xx and nothing is stored. Postmark
treats a 403 as final (it does not retry), so refusals are 403; malformed JSON is 400.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from preceptor.mail.webhooks import authorised
from preceptor.support.inbound import Refused, from_postmark
from preceptor.support.services import inbound_receive


@csrf_exempt  # Postmark calls it; the shared secret is the proof
@require_POST
def postmark_inbound(request: HttpRequest) -> HttpResponse:
    secret = settings.SUPPORT_INBOUND_SECRET
    if not secret:
        raise Http404
    if not authorised(request, secret):
        response = HttpResponse("unauthorised", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Basic realm="support inbound"'
        return response
    # Read from the stream: ``request.body`` stops at DATA_UPLOAD_MAX_MEMORY_SIZE, and attachments in base64 are
    # larger than that; the route's own limit (REQUEST_BODY_LIMITS) was checked by RequestGuardMiddleware.
    try:
        payload = json.loads(request.read())
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    try:
        message = inbound_receive(mail=from_postmark(payload))
    except Refused as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    return JsonResponse({"ticket": message.ticket.reference, "message": str(message.public_id)})
