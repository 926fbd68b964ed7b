from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record

AUDITED_FIELDS = {"is_active", "is_teacher", "is_staff", "is_superuser", "groups", "complimentary_pro_until"}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_teacher", "is_staff", "trial_ends_at", "date_joined"]
    list_filter = ["is_staff", "is_teacher", "is_active"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "age_verified_at", "trial_ends_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "phone"]}),
        (_("Membership"), {"fields": ["trial_ends_at", "complimentary_pro_until", "age_verified_at"]}),
        (_("Roles"), {"fields": ["is_active", "is_teacher", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = sorted(AUDITED_FIELDS & set(form.changed_data))
        if change and changed:
            audit_event_record(
                action="account.roles_changed",
                actor=request.user,
                subject=obj,
                target=obj,
                data={"fields": changed},
            )
