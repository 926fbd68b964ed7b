from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.magazine.forms import ArticleSearchForm, CommentEditForm, CommentForm, ReportForm
from preceptor.magazine.models import Article, Comment
from preceptor.magazine.selectors import (
    article_comments,
    article_for,
    article_list,
    author_page_url,
    comment_count,
    may_preview,
)
from preceptor.magazine.services import (
    CommentRefused,
    comment_create,
    comment_delete,
    comment_report_create,
    comment_update,
)
from preceptor.magazine.text import render_article, render_comment

PAGE_SIZE = 9
COMMENT_RATE = Rate(5, 10 * 60)  # new comments: 5 in 10 minutes per member
COMMENT_DAY_RATE = Rate(30, 24 * 60 * 60)  # and 30 a day
EDIT_RATE = Rate(20, 10 * 60)
REPORT_RATE = Rate(10, 60 * 60)


@require_GET
def article_list_view(request: HttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET or None)
    query, specialty = "", ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        specialty = form.cleaned_data["specialty"].slug if form.cleaned_data["specialty"] else ""
    paginator = Paginator(article_list(query=query, specialty=specialty), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {"form": form, "page": page, "query": query, "filters": filters.urlencode()}
    return render(request, "magazine/article_list.html", context)


def _article_page(
    request: HttpRequest, article: Article, *, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "article": article,
        "body": render_article(article.body),
        "author_url": author_page_url(article),
        "comments": article_comments(article=article, viewer=request.user),
        "comment_count": comment_count(article),
        "form": form or CommentForm(),
        "preview": not article.is_visible(),
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
        "cover_url": request.build_absolute_uri(article.cover.url) if article.cover else "",
    }
    response = render(request, "magazine/article_detail.html", context, status=status)
    if request.user.is_authenticated or context["preview"]:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = article_for(slug=slug, viewer=request.user)
    if article is None:
        raise Http404
    return _article_page(request, article)


@login_required
@require_POST
def comment_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    article = article_for(slug=slug, viewer=request.user)
    if article is None or not article.is_visible():
        raise Http404
    refused = rate_limited(request, action="magazine.comment", rate=COMMENT_RATE) or rate_limited(
        request, action="magazine.comment_day", rate=COMMENT_DAY_RATE
    )
    if refused:
        return refused
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(public_id=form.cleaned_data["parent"], article=article).first()
            if parent is None:
                form.add_error(None, _("This comment can no longer be replied to."))
        if not form.errors:
            try:
                body = form.cleaned_data["body"]
                comment = comment_create(user=request.user, article=article, body=body, parent=parent)
            except CommentRefused as refusal:
                form.add_error("body", str(refusal))
            else:
                if comment.status == Comment.Status.PENDING:
                    messages.success(
                        request,
                        _(
                            "Thank you. Your comment will appear once a moderator has read it; until then only you "
                            "see it."
                        ),
                    )
                else:
                    messages.success(request, _("Your comment is published."))
                return redirect(f"{article.get_absolute_url()}#comment-{comment.public_id}")
    return _article_page(request, article, form=form, status=400)


def _own_comment_or_404(request: AuthenticatedHttpRequest, public_id: str) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("article"), public_id=public_id, user=request.user, deleted_at__isnull=True
    )
    if not (comment.article.is_visible() or may_preview(request.user)):
        raise Http404
    return comment


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    comment = _own_comment_or_404(request, public_id)
    form = CommentEditForm(initial={"body": comment.body})
    if request.method == "POST":
        refused = rate_limited(request, action="magazine.comment_edit", rate=EDIT_RATE)
        if refused:
            return refused
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                comment_update(comment=comment, user=request.user, body=form.cleaned_data["body"])
            except CommentRefused as refusal:
                form.add_error("body", str(refusal))
            else:
                messages.success(request, _("Your comment is changed."))
                return redirect(f"{comment.article.get_absolute_url()}#comment-{comment.public_id}")
    return render(request, "magazine/comment_edit.html", {"comment": comment, "form": form})


@login_required
@require_POST
def comment_delete_view(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    comment = _own_comment_or_404(request, public_id)
    comment_delete(comment=comment, user=request.user)
    messages.success(request, _("Your comment is deleted."))
    return redirect(f"{comment.article.get_absolute_url()}#comments")


@login_required
@require_http_methods(["GET", "POST"])
def comment_report_view(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("article", "user"),
        public_id=public_id,
        status=Comment.Status.APPROVED,
        deleted_at__isnull=True,
    )
    if comment.user_id == request.user.pk or not comment.article.is_visible():
        raise Http404
    form = ReportForm()
    if request.method == "POST":
        refused = rate_limited(request, action="magazine.comment_report", rate=REPORT_RATE)
        if refused:
            return refused
        form = ReportForm(request.POST)
        if form.is_valid():
            comment_report_create(
                comment=comment, user=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Thank you. A moderator will look at this comment."))
            return redirect(f"{comment.article.get_absolute_url()}#comments")
    context = {"comment": comment, "form": form, "body": render_comment(comment.body)}
    return render(request, "magazine/comment_report.html", context)
