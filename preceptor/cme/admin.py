from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from preceptor.cme.models import (
    Activity,
    Claim,
    EvaluationQuestion,
    FacultyDisclosure,
    LearnerIdentity,
    ParsRecord,
    Provider,
)
from preceptor.cme.services import evaluation_questions_ensure
from preceptor.core.admin import ReadOnlyAdmin


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "is_accredited", "accme_provider_id")


class DisclosureInline(admin.StackedInline):
    model = FacultyDisclosure
    extra = 0
    fields = ("full_name", "user", "role", "status", "relationships", "mitigation", "disclosed_on")
    autocomplete_fields = ("user",)


class EvaluationQuestionInline(admin.TabularInline):
    model = EvaluationQuestion
    extra = 0
    fields = ("position", "kind", "topic", "text", "comment_label", "required")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("course", "format", "ama_max_credits", "eaccme_credits", "expiration_date", "is_published")
    list_filter = ("format", "is_published", "providership")
    search_fields = ("course__title", "accme_activity_id")
    inlines = (DisclosureInline, EvaluationQuestionInline)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "course",
                    "is_published",
                    "accredited",
                    "format",
                    "delivery",
                    "location",
                    "live_starts_on",
                    "live_ends_on",
                )
            },
        ),
        ("Validity", {"fields": ("release_date", "expiration_date")}),
        (
            "Providers",
            {"fields": ("accredited_provider", "providership", "non_accredited_provider", "accme_activity_id")},
        ),
        (
            "Credit",
            {
                "fields": (
                    "ama_max_credits",
                    "eaccme_credits",
                    "eaccme_event_code",
                    "eaccme_granted_on",
                    "eaccme_valid_until",
                    "pass_threshold",
                )
            },
        ),
        ("Content", {"fields": ("learning_objectives", "outcome_measures", "commercial_support")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Activity | None = None):
        return ("accme_activity_id",) if obj and obj.accme_activity_id else ()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        evaluation_questions_ensure(activity=form.instance)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = (
        "certificate_id",
        "learner_name",
        "activity",
        "credit_type",
        "claimed_credits",
        "measured_minutes",
        "completed_at",
        "revoked_at",
    )
    list_filter = ("credit_type",)
    search_fields = ("certificate_id", "learner_name", "user__email")


@admin.register(LearnerIdentity)
class LearnerIdentityAdmin(ReadOnlyAdmin):
    list_display = ("user", "first_name", "last_name", "pars_consent_at")
    search_fields = ("user__email", "last_name")


@admin.register(ParsRecord)
class ParsRecordAdmin(ReadOnlyAdmin):
    list_display = ("claim", "action", "year", "batch", "exported_at")
    list_filter = ("action", "year")
