"""Reads: the magazine's article lists and pages, comments as a viewer sees them, the moderation queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from preceptor.accounts.models import User
from preceptor.catalog.models import Course
from preceptor.core.http import staff_may
from preceptor.magazine.models import Article, Comment, CommentReport
from preceptor.magazine.text import render_comment
from preceptor.profiles.selectors import avatar_visible

PREVIEW_PERMISSION = "magazine.preview_article"
MODERATE_PERMISSION = "magazine.moderate_comment"


def may_preview(user: User | AnonymousUser) -> bool:
    """Staff who may see articles before they are published (drafts, scheduled)."""
    return staff_may(user, PREVIEW_PERMISSION, "magazine.change_article")


def may_moderate(user: User | AnonymousUser) -> bool:
    return staff_may(user, MODERATE_PERMISSION)


def _listed() -> QuerySet[Article]:
    return (
        Article.objects.published()
        .select_related("author__profile")
        .prefetch_related("specialties")
        .order_by("-published_at", "-pk")
    )


def article_list(*, query: str = "", specialty: str = "") -> QuerySet[Article]:
    """Published articles, newest first, filtered by specialty and searched over title, lead, text and specialty
    names (PostgreSQL: full-text search, ranked; SQLite: every word as a substring), like the course search."""
    articles = _listed()
    if specialty:
        articles = articles.filter(specialties__slug=specialty)
    query = " ".join(query.split())[:100]
    if not query:
        return articles
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("lead", weight="B", config="english")
            + SearchVector("specialties__name", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        matching = Article.objects.annotate(search=vector).filter(search=search).values("pk")
        rank = SearchRank(
            SearchVector("title", weight="A", config="english") + SearchVector("lead", weight="B", config="english"),
            search,
        )
        return articles.filter(pk__in=matching).annotate(rank=rank).order_by("-rank", "-published_at")
    condition = Q()
    for word in query.split():
        condition &= (
            Q(title__icontains=word)
            | Q(lead__icontains=word)
            | Q(body__icontains=word)
            | Q(specialties__name__icontains=word)
        )
    return articles.filter(pk__in=Article.objects.filter(condition).values("pk"))


def article_for(*, slug: str, viewer: User | AnonymousUser) -> Article | None:
    """The article at ``slug`` if ``viewer`` may read it: everyone once it is published and its time has come;
    before that only staff who may preview it. None otherwise (the page answers 404, as for no article)."""
    article = (
        Article.objects.filter(slug=slug)
        .select_related("author__profile")
        .prefetch_related(
            "specialties", Prefetch("related_courses", queryset=Course.objects.published().with_minutes())
        )
        .first()
    )
    if article is None or not (article.is_visible() or may_preview(viewer)):
        return None
    return article


def author_page_url(article: Article) -> str:
    """The author's public page (their profile, when a visitor may open it), or ""."""
    from django.urls import reverse

    author = article.author
    if author is None or not author.is_active:
        return ""
    profile = getattr(author, "profile", None)
    if profile is None or profile.is_hidden:
        return ""
    return reverse("profiles:detail", args=[profile.handle])


# --- Comments ------------------------------------------------------------------------------------------------
EDIT_WINDOW = timedelta(minutes=15)


@dataclass
class ShownComment:
    """A comment as one viewer sees it: who wrote it (name, photo, link when their page is public) and what the
    viewer may do with it."""

    comment: Comment
    author_name: str
    profile_url: str
    avatar_url: str
    mine: bool
    may_edit: bool
    may_reply: bool
    may_report: bool
    replies: list[ShownComment] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.comment.status == Comment.Status.PENDING

    @property
    def body_html(self) -> SafeString:
        return render_comment(self.comment.body)


def may_edit(comment: Comment, user: User | AnonymousUser) -> bool:
    """The author, within ``EDIT_WINDOW`` of writing it, while it is not deleted or removed."""
    return (
        user.is_authenticated
        and comment.user_id == user.pk
        and not comment.is_deleted
        and comment.status != Comment.Status.REJECTED
        and timezone.now() - comment.created_at <= EDIT_WINDOW
    )


def _shown(comment: Comment, viewer: User | AnonymousUser, *, comments_open: bool) -> ShownComment:
    from django.urls import reverse
    from django.utils.translation import gettext

    author = comment.user
    name, profile_url, avatar_url = gettext("Former member"), "", ""
    if comment.is_deleted:
        name = ""
    elif author is not None and author.is_active:
        name = author.full_name
        profile = getattr(author, "profile", None)
        if profile is not None and not profile.is_hidden:
            profile_url = reverse("profiles:detail", args=[profile.handle])
        if profile is not None and avatar_visible(profile=profile, viewer=viewer):
            avatar_url = reverse("profiles:avatar", args=[profile.handle])
    mine = viewer.is_authenticated and comment.user_id == viewer.pk
    live = not comment.is_deleted and comment.status == Comment.Status.APPROVED
    return ShownComment(
        comment=comment,
        author_name=name,
        profile_url=profile_url,
        avatar_url=avatar_url,
        mine=mine,
        may_edit=may_edit(comment, viewer),
        may_reply=bool(viewer.is_authenticated and comments_open and live and comment.parent_id is None),
        may_report=bool(viewer.is_authenticated and not mine and live),
    )


def article_comments(*, article: Article, viewer: User | AnonymousUser) -> list[ShownComment]:
    """The article's comments, each with its replies, oldest first: the approved ones, and the viewer's own that
    wait for moderation (only they see them). A deleted comment stays as a placeholder while it has replies."""
    visible = Q(status=Comment.Status.APPROVED)
    if viewer.is_authenticated:
        visible |= Q(user=viewer, status=Comment.Status.PENDING)
    rows = list(
        Comment.objects.filter(visible, article=article).select_related("user__profile").order_by("created_at", "pk")
    )
    top: dict[int, ShownComment] = {}
    replies: list[Comment] = []
    for comment in rows:
        if comment.parent_id is None:
            top[comment.pk] = _shown(comment, viewer, comments_open=article.comments_open)
        else:
            replies.append(comment)
    for reply in replies:
        parent = top.get(reply.parent_id or 0)
        if parent is not None:
            parent.replies.append(_shown(reply, viewer, comments_open=article.comments_open))
    return [shown for shown in top.values() if not (shown.comment.is_deleted and not shown.replies)]


def comment_count(article: Article) -> int:
    return Comment.objects.filter(article=article, status=Comment.Status.APPROVED, deleted_at__isnull=True).count()


def moderation_queue() -> list[Comment]:
    """Comments waiting for a moderator: held ones, and shown ones that members reported (unresolved), oldest
    first, with their article, author and reports."""
    open_reports = (
        CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("comment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Comment.objects.annotate(open_reports=Coalesce(Subquery(open_reports), 0))
        .filter(Q(status=Comment.Status.PENDING) | Q(open_reports__gt=0), deleted_at__isnull=True)
        .select_related("article", "user", "parent")
        .prefetch_related("reports")
        .order_by("created_at", "pk")
    )


def approved_comments_of(user: User) -> int:
    return Comment.objects.filter(user=user, status=Comment.Status.APPROVED).count()


def hold_first_comment() -> bool:
    return bool(settings.MAGAZINE_HOLD_FIRST_COMMENT)
