from __future__ import annotations

from django.contrib import admin

from preceptor.classes.models import Attendance, LiveClass, Registration, Teacher, TeacherTerms, TermsAcceptance
from preceptor.core.admin import ReadOnlyAdmin


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("display_name", "slug", "user")
    search_fields = ("display_name", "user__email")
    autocomplete_fields = ("user",)
    prepopulated_fields = {"slug": ("display_name",)}


@admin.register(LiveClass)
class LiveClassAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "capacity", "price_amount", "is_published", "ended_at")
    list_filter = ("is_published",)
    search_fields = ("title",)
    filter_horizontal = ("teachers",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("recording",)


@admin.register(TeacherTerms)
class TeacherTermsAdmin(admin.ModelAdmin):
    list_display = ("version", "published_at")


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("user", "terms", "accepted_at")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("live_class", "user", "status", "created_at")
    list_filter = ("status",)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("registration", "joined_at", "left_at")
