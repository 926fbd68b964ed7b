"""Authoring in the admin (the "Content editor" role): drafts, scheduled publishing, images with descriptions;
"View on site" previews a draft for staff who may preview. Comments are moderated on /staff/magazine/comments/."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from preceptor.magazine.models import Article, ArticleImage, Comment, CommentReport

_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")
RESERVED_SLUGS = {"feed", "comments"}


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "lead", "body", "author", "specialties", "related_courses", "cover", "cover_alt",
            "status", "published_at", "comments_open",
        ]  # fmt: skip

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is taken by the magazine itself; choose another."))
        return slug

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if _IMAGE_WITHOUT_ALT.search(body):
            raise forms.ValidationError(_("Every image needs a description: ![what the image shows](address)."))
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("cover") and not cleaned.get("cover_alt"):
            self.add_error("cover_alt", _("Describe the cover image for readers who cannot see it."))
        return cleaned


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 1
    fields = ["image", "alt_text", "markdown_snippet"]
    readonly_fields = ["markdown_snippet"]

    @admin.display(description=_("Paste into the text"))
    def markdown_snippet(self, obj: ArticleImage) -> str:
        return format_html("<code>{}</code>", obj.markdown) if obj.pk and obj.image else "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = ["title", "state", "published_at", "author", "updated_at"]
    list_filter = ["status", "specialties"]
    search_fields = ["title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["specialties", "related_courses"]
    inlines = [ArticleImageInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "author", "specialties", "related_courses"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "published_at", "comments_open"],
                "description": _(
                    "A draft is seen only by editors (“View on site” previews it). A published article appears at "
                    "its publication time: now when it is left empty, later when it is in the future."
                ),
            },
        ),
    ]

    @admin.display(description=_("state"))
    def state(self, obj: Article) -> str:
        if obj.status == Article.Status.DRAFT:
            return str(_("Draft"))
        return str(_("Scheduled")) if obj.is_scheduled else str(_("Published"))

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "author": request.user.pk}

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if obj.status == Article.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)


class CommentReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    fields = ("reason", "note", "created_at", "resolved_at")
    readonly_fields = ("reason", "note", "created_at", "resolved_at")
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Read-only: moderators decide in the queue (/staff/magazine/comments/), where each decision is audited."""

    list_display = ["__str__", "article", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "article__title"]
    fields = ("article", "user", "parent", "body", "status", "held_because", "created_at", "edited_at")
    readonly_fields = ("article", "user", "parent", "body", "status", "held_because", "created_at", "edited_at")
    inlines = [CommentReportInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
