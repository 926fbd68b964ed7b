"""The moderation queue: held and reported comments, for staff who may moderate them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.core.http import AuthenticatedHttpRequest, permission_required
from preceptor.magazine.forms import ModerationForm
from preceptor.magazine.models import Comment
from preceptor.magazine.selectors import MODERATE_PERMISSION, moderation_queue
from preceptor.magazine.services import comment_decide


@permission_required(MODERATE_PERMISSION)
@require_GET
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    response = render(request, "magazine/staff_moderation.html", {"queue": moderation_queue()})
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(MODERATE_PERMISSION)
@require_POST
def moderate(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), public_id=public_id)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose what to do with the comment."), status=400)
    comment_decide(comment=comment, decision=form.decision_value(), actor=request.user)
    messages.success(request, _("Done. The comment has left the queue."))
    return redirect("magazine:moderation")
