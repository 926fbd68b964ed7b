from django.contrib import admin

from preceptor.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin for records nobody edits by hand: append-only ledgers and provider mirrors."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "subject", "target"]
    list_filter = ["action"]
    search_fields = ["action", "target"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "subject"]
