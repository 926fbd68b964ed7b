"""The magazine's personal data: members' comments and reports, and the link from an article to its author.

At the deletion of their account a member chooses what happens to their comments (``privacy.hooks.erasure_choices``):
deleted (the default), or kept without their name ("Former member") so that discussions stay readable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    LegalBasis,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)
from preceptor.magazine.models import Article, Comment, CommentReport
from preceptor.privacy.hooks import ErasureChoice
from preceptor.privacy.selectors import erasure_option

COMMENT_FIELDS = (
    "public_id",
    "article",
    "parent",
    "body",
    "status",
    "held_because",
    "created_at",
    "edited_at",
    "deleted_at",
    "moderated_at",
    "moderated_by",
)
REPORT_FIELDS = ("comment", "reason", "note", "created_at", "resolved_at")

PERSONAL_DATA = [
    PersonalData(
        model=Comment,
        name=gettext_noop("Magazine comments"),
        fields=COMMENT_FIELDS,
        purpose=gettext_noop(
            "Your comments on magazine articles, shown with your name (your photo and a link to your profile as "
            "your profile settings allow), and their moderation."
        ),
        purposes=(Purpose.PROFILE,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.PROFILE, DataCategory.IDENTITY),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(UntilErasure(note=gettext_noop("or until you delete the comment; you choose at erasure")),),
        erasure="pseudonymise",
        audiences=(Audience.PUBLIC, Audience.STAFF),
    ),
    PersonalData(
        model=CommentReport,
        name=gettext_noop("Reports of comments"),
        fields=REPORT_FIELDS,
        purpose=gettext_noop("Comments you reported to our moderators, and why."),
        purposes=(Purpose.SECURITY,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("keeping discussions free of abuse"),
        categories=(DataCategory.ACTIVITY,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
        erasure="delete",
        audiences=(Audience.STAFF,),
    ),
    PersonalData(
        model=Article,
        name=gettext_noop("Magazine articles"),
        fields=("author", "title", "published_at"),
        purpose=gettext_noop("The articles you wrote for the magazine, published under your name."),
        purposes=(Purpose.TEACHING,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.IDENTITY,),
        sources=(Source.STAFF,),
        rules=(UntilErasure(note=gettext_noop("the articles stay, without your name")),),
        erasure="pseudonymise",
        audiences=(Audience.PUBLIC,),
    ),
]

ERASURE_KEY = "magazine.comments"
DELETE, KEEP_WITHOUT_NAME = "delete", "pseudonymise"


def erasure_choice(user: Any) -> ErasureChoice | None:
    """Asked on the account deletion form: only of a member who wrote comments."""
    if not Comment.objects.filter(user=user, deleted_at__isnull=True).exists():
        return None
    return ErasureChoice(
        key=ERASURE_KEY,
        label=_("Your comments in the magazine"),
        options=(
            (DELETE, _("Delete my comments")),
            (KEEP_WITHOUT_NAME, _("Keep my comments, shown as written by “Former member”, without my name or photo")),
        ),
    )


def export_user(user: Any) -> dict[str, Any]:
    comments = Comment.objects.filter(user=user).select_related("article", "parent")
    return {
        "comments": [
            {
                **row(c, COMMENT_FIELDS),
                "public_id": str(c.public_id),
                "article": c.article.title,
                "article_address": c.article.get_absolute_url(),
                "parent": str(c.parent.public_id) if c.parent else None,
                "moderated_by": None,  # a moderator's identity is not the member's data
            }
            for c in comments
        ],
        "reports": [
            {**row(r, REPORT_FIELDS), "comment": str(r.comment.public_id)}
            for r in CommentReport.objects.filter(user=user).select_related("comment")
        ],
        "articles": [
            {**row(a, ("title", "published_at")), "address": a.get_absolute_url()}
            for a in Article.objects.filter(author=user)
        ],
    }


@transaction.atomic
def erase_user(user: Any) -> list[str]:
    from preceptor.magazine.services import comment_delete

    kept = []
    CommentReport.objects.filter(user=user).delete()
    Comment.objects.filter(moderated_by=user).update(moderated_by=None)
    if erasure_option(user, ERASURE_KEY, DELETE) == KEEP_WITHOUT_NAME:
        if Comment.objects.filter(user=user).update(user=None):
            kept.append(gettext("Magazine comments: kept without your name, as you chose."))
    else:
        for replies in (True, False):  # replies first: a comment left without replies is removed, not kept empty
            for comment in Comment.objects.filter(user=user, parent__isnull=not replies):
                comment_delete(comment=comment, user=user)
    if Article.objects.filter(author=user).update(author=None):
        kept.append(gettext("Magazine articles you wrote: kept without your name."))
    return kept
