from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.media import video_seconds
from preceptor.catalog.models import Course, CourseQuerySet, FileDownloadDay, Lesson, LessonFile, Module, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["title", "position"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "minutes", "position", "updated_at"]
    list_filter = ["is_published", "specialties"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["specialties", "teachers"]
    inlines = [ModuleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        courses = cast(CourseQuerySet, super().get_queryset(request))
        return courses.with_minutes()  # the lessons' minutes, no query per row


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ["title", "slug", "kind", "position", "minutes"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position"]
    list_filter = ["course"]
    inlines = [LessonInline]

    def save_formset(self, request, form, formset, change):
        lessons = formset.save(commit=False)
        for lesson in lessons:
            lesson.course = form.instance.course  # a lesson belongs to its module's course
            lesson.minutes = lesson.media_minutes() or lesson.minutes  # the media's length, not a typed label
            lesson.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class LessonFileInline(admin.TabularInline):
    model = LessonFile
    extra = 0
    fields = ["title", "file", "position", "downloads"]
    readonly_fields = ["downloads"]

    @admin.display(description=_("downloads"))
    def downloads(self, obj):
        return obj.download_days.aggregate(total=Sum("count"))["total"] or 0 if obj.pk else 0


class LessonAdminForm(forms.ModelForm):
    """Reads an uploaded video's length from the file itself (decision 0020); a file that states none is refused."""

    class Meta:
        model = Lesson
        fields = [  # not the video's length: it is read from the file
            "module",
            "title",
            "slug",
            "kind",
            "position",
            "minutes",
            "video",
            "captions",
            "captions_language",
            "transcript",
            "external_video_url",
            "body",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        upload = cleaned.get("video")
        if isinstance(upload, UploadedFile):
            self.instance.video_duration = video_seconds(upload)
        elif not upload:
            self.instance.video_duration = None
        return cleaned


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
    readonly_fields = ["video_duration"]
    list_display = ["title", "course", "module", "kind", "minutes", "position"]
    list_filter = ["kind", "course"]
    search_fields = ["title"]
    list_select_related = ["course", "module"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonFileInline]
    fieldsets = [
        (None, {"fields": ["module", "title", "slug", "kind", "position", "minutes"]}),
        (
            _("Video"),
            {
                "fields": [
                    "video",
                    "video_duration",
                    "captions",
                    "captions_language",
                    "transcript",
                    "external_video_url",
                ]
            },
        ),
        (_("Text"), {"fields": ["body"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.course = obj.module.course
        obj.minutes = obj.media_minutes() or obj.minutes  # the media's length, not a typed label
        super().save_model(request, obj, form, change)


@admin.register(FileDownloadDay)
class FileDownloadDayAdmin(admin.ModelAdmin):
    list_display = ["day", "file", "count"]
    list_filter = ["day"]
    date_hierarchy = "day"
    list_select_related = ["file__lesson"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
