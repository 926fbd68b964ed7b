"""Writes: members' comments (with the moderation rules and spam heuristics), reports, and moderation."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record
from preceptor.magazine.models import Article, Comment, CommentReport
from preceptor.magazine.selectors import approved_comments_of, may_edit
from preceptor.magazine.text import fingerprint, links_in

DUPLICATE_WINDOW = timedelta(days=30)


class AuditAction(StrEnum):
    COMMENT_APPROVED = "magazine.comment_approved"
    COMMENT_REJECTED = "magazine.comment_rejected"
    REPORTS_DISMISSED = "magazine.reports_dismissed"


class CommentRefused(Exception):
    """The comment cannot be taken as it is; ``str(error)`` tells the member why, in their language."""


def _hold_reason(*, user: User, article: Article, body: str) -> str:
    """Why a new comment waits for a moderator ("" when it is shown at once); English, for the moderators."""
    if settings.MAGAZINE_HOLD_FIRST_COMMENT and not approved_comments_of(user):
        return "first comment of this member"
    links = links_in(body)
    if links > settings.MAGAZINE_MAX_LINKS:
        return f"{links} links"
    text = fingerprint(body)
    since = timezone.now() - DUPLICATE_WINDOW
    others = Comment.objects.filter(article=article, created_at__gte=since).exclude(user=user).values_list("body")
    if any(fingerprint(other) == text for (other,) in others):
        return "the same text as another member's comment"
    return ""


def _refuse_duplicate(*, user: User, body: str, exclude: Comment | None = None) -> None:
    text = fingerprint(body)
    if not text:
        raise CommentRefused(gettext("Please write a few words."))
    since = timezone.now() - DUPLICATE_WINDOW
    mine = Comment.objects.filter(user=user, created_at__gte=since, deleted_at__isnull=True)
    if exclude is not None:
        mine = mine.exclude(pk=exclude.pk)
    if any(fingerprint(other) == text for (other,) in mine.values_list("body")):
        raise CommentRefused(gettext("You have already posted this comment."))


@transaction.atomic
def comment_create(*, user: User, article: Article, body: str, parent: Comment | None = None) -> Comment:
    """A member's comment, or a reply to a comment (one level). Shown at once, or held for a moderator: the
    member's first comment (``MAGAZINE_HOLD_FIRST_COMMENT``), one with more than ``MAGAZINE_MAX_LINKS`` links,
    or the same text as another member's. The same text twice from one member is refused."""
    if not article.is_visible() or not article.comments_open:
        raise CommentRefused(gettext("Comments are closed for this article."))
    if parent is not None:
        if parent.article_id != article.pk or parent.status != Comment.Status.APPROVED or parent.is_deleted:
            raise CommentRefused(gettext("This comment can no longer be replied to."))
        if parent.parent_id is not None:  # a reply to a reply joins the thread of the comment
            parent = parent.parent
    body = body.strip()
    _refuse_duplicate(user=user, body=body)
    reason = _hold_reason(user=user, article=article, body=body)
    return Comment.objects.create(
        article=article,
        user=user,
        parent=parent,
        body=body,
        status=Comment.Status.PENDING if reason else Comment.Status.APPROVED,
        held_because=reason,
    )


@transaction.atomic
def comment_update(*, comment: Comment, user: User, body: str) -> Comment:
    """The author changes their comment within 15 minutes of writing it. A change that adds links beyond the
    limit sends it back to moderation."""
    if not may_edit(comment, user):
        raise CommentRefused(gettext("A comment can be changed only in the first 15 minutes."))
    body = body.strip()
    _refuse_duplicate(user=user, body=body, exclude=comment)
    comment.body = body
    comment.edited_at = timezone.now()
    fields = ["body", "edited_at"]
    links = links_in(body)
    if comment.status == Comment.Status.APPROVED and links > settings.MAGAZINE_MAX_LINKS:
        comment.status, comment.held_because = Comment.Status.PENDING, f"{links} links (edited)"
        fields += ["status", "held_because"]
    comment.save(update_fields=fields)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    """The author deletes their comment. One with replies stays as an empty placeholder ("deleted"), without
    its text or its author, so the replies keep their place; any other is removed."""
    if comment.user_id != user.pk:
        raise PermissionError("not the author")
    _comment_remove(comment=comment)


def _comment_remove(*, comment: Comment) -> None:
    if comment.replies.exists():
        comment.body, comment.user, comment.deleted_at = "", None, timezone.now()
        comment.save(update_fields=["body", "user", "deleted_at"])
        comment.reports.all().delete()
    else:
        comment.delete()


@transaction.atomic
def comment_report_create(*, comment: Comment, user: User, reason: str, note: str = "") -> CommentReport:
    """A member reports a comment (once each). Enough open reports hide it until a moderator decides."""
    if comment.user_id == user.pk:
        raise CommentRefused(gettext("You cannot report your own comment."))
    report, _created = CommentReport.objects.get_or_create(
        comment=comment, user=user, defaults={"reason": reason, "note": note.strip()}
    )
    open_reports = comment.reports.filter(resolved_at__isnull=True).count()
    if comment.status == Comment.Status.APPROVED and open_reports >= settings.MAGAZINE_REPORTS_TO_HIDE:
        comment.status, comment.held_because = Comment.Status.PENDING, f"reported by {open_reports} members"
        comment.save(update_fields=["status", "held_because"])
    return report


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    DISMISS = "dismiss"  # a reported comment stays shown; its reports are closed


DECISION_LABELS = {
    Decision.APPROVE: gettext_noop("Approve"),
    Decision.REJECT: gettext_noop("Remove"),
    Decision.DISMISS: gettext_noop("Keep and close the reports"),
}


@transaction.atomic
def comment_decide(*, comment: Comment, decision: Decision, actor: User, now: datetime | None = None) -> Comment:
    """A moderator approves a held comment, removes a comment (its text is no longer shown to anyone), or keeps a
    reported one. Each decision closes the comment's open reports and is audited."""
    now = now or timezone.now()
    if decision == Decision.REJECT:
        comment.status, action = Comment.Status.REJECTED, AuditAction.COMMENT_REJECTED
    elif decision == Decision.APPROVE:
        comment.status, action = Comment.Status.APPROVED, AuditAction.COMMENT_APPROVED
    else:
        if comment.status == Comment.Status.PENDING and comment.reports.filter(resolved_at__isnull=True).exists():
            comment.status = Comment.Status.APPROVED  # hidden by reports only: shown again
        action = AuditAction.REPORTS_DISMISSED
    comment.moderated_at, comment.moderated_by = now, actor
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    audit_event_record(
        action=action, actor=actor, subject=comment.user, target=comment, data={"article": comment.article.slug}
    )
    return comment
