from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from preceptor.billing.models import Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers import registry
from preceptor.billing.services import event_process
from preceptor.core.admin import ReadOnlyAdmin


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "interval", "currency", "amount", "stripe_price_id", "paypal_plan_id", "is_active"]
    list_filter = ["currency", "interval", "is_active"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "provider",
        "provider_id",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "revoked_at",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["user__email", "provider_id"]
    list_select_related = ["user"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["paid_at", "user", "description", "amount", "currency", "status", "provider", "provider_id"]
    list_filter = ["provider", "status", "currency"]
    search_fields = ["user__email", "provider_id"]
    list_select_related = ["user"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "type", "event_id", "status", "attempts", "processed_at"]
    list_filter = ["provider", "status", "type"]
    search_fields = ["event_id"]
    actions = ["replay"]

    def has_replay_permission(self, request) -> bool:
        # The rows are read-only, but replaying them changes subscriptions and payments: staff who may change events.
        return request.user.has_perm("billing.change_providerevent")

    @admin.action(description=_("Process the selected events again"), permissions=["replay"])
    def replay(self, request, queryset):
        results = [event_process(provider=registry.get(e.provider), stored=e).status for e in queryset]
        failed = results.count(ProviderEvent.Status.FAILED)
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(
            request, _("%(n)d processed again, %(f)d still failing.") % {"n": len(results), "f": failed}, level
        )
