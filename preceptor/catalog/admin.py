from django.contrib import admin
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Course, FileDownloadDay, Lesson, LessonFile, Module, Specialty
from preceptor.catalog.selectors import course_content_forget


class ForgetsCachedContent:
    """After staff save or delete, learners see the change at once (not after the cache expires)."""

    def course_slug(self, obj):
        return obj.course.slug

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        course_content_forget(self.course_slug(form.instance), *form.initial.get("slug", "").split())

    def delete_model(self, request, obj):
        slug = self.course_slug(obj)
        super().delete_model(request, obj)
        course_content_forget(slug)


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
class CourseAdmin(ForgetsCachedContent, admin.ModelAdmin):
    list_display = ["title", "is_published", "estimated_minutes", "position", "updated_at"]
    list_filter = ["is_published", "specialties"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["specialties", "teachers"]
    inlines = [ModuleInline]

    def course_slug(self, obj):
        return obj.slug


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0
    fields = ["title", "slug", "kind", "position", "minutes"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(ForgetsCachedContent, admin.ModelAdmin):
    list_display = ["title", "course", "position"]
    list_filter = ["course"]
    inlines = [LessonInline]

    def save_formset(self, request, form, formset, change):
        lessons = formset.save(commit=False)
        for lesson in lessons:
            lesson.course = form.instance.course  # a lesson belongs to its module's course
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


@admin.register(Lesson)
class LessonAdmin(ForgetsCachedContent, admin.ModelAdmin):
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
