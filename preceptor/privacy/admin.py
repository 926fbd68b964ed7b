from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from preceptor.core.admin import ReadOnlyAdmin
from preceptor.privacy.models import ConsentRecord, DataRequest, Disclosure, PolicyVersion
from preceptor.privacy.services import policy_publish


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_on", "material", "announced_at"]
    actions = ["publish"]

    @admin.action(description=_("Publish (e-mail members about a material change)"), permissions=["change"])
    def publish(self, request, queryset):
        for policy in queryset:
            policy_publish(policy=policy, actor=request.user)
        self.message_user(request, _("Published."), messages.SUCCESS)


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    """The ledger, read-only: rows are written only by ``services.disclosures_record`` (legal requests through
    /staff/privacy/legal/, with a second officer's approval)."""

    list_display = [
        "occurred_at",
        "user",
        "recipient",
        "recipient_role",
        "restricted",
        "restricted_until",
        "request_ref",
    ]
    list_filter = ["recipient_role", "restricted"]
    search_fields = ["user__email", "recipient", "request_ref"]
    raw_id_fields = ["user"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject_ref", "action", "surface", "policy_version"]
    list_filter = ["action", "surface"]


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = ["received_at", "user", "kind", "status", "due_at", "scheduled_for"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["user"]
