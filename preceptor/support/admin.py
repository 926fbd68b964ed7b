"""Help articles and canned replies are edited in the admin (the Support role); tickets are handled on
/staff/support/, not here."""

from __future__ import annotations

from django.contrib import admin

from preceptor.support.models import CannedReply, HelpArticle


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "language", "slug", "published", "position", "updated_at")
    list_editable = ("published", "position")
    list_filter = ("published", "language")
    search_fields = ("title", "keywords", "body")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title",)
    search_fields = ("title", "body")
