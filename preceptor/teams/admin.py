from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from preceptor.teams.models import Invitation, Membership, Organisation

PERMISSION = "teams.manage_organisations"


class OrganisationPermission:
    """Every page of these models needs ``teams.manage_organisations`` (superusers hold it): the model permissions
    alone, which a role might carry for another reason, open nothing here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(PERMISSION)


class MembershipInline(OrganisationPermission, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationPermission, admin.ModelAdmin):
    """Staff with ``teams.manage_organisations`` set up organisations here: the e-mail domain (once they checked it
    is the organisation's), the single sign-on app, seats, licences and managers. What members share is never shown
    here: it is for the organisation's managers, by consent."""

    list_display = ("name", "slug", "seats", "licence_ends_at", "email_domain", "sso_provider", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(OrganisationPermission, admin.ModelAdmin):
    list_display = ("email", "organisation", "created_at", "expires_at", "accepted_at")
    list_filter = ("organisation",)
    fields = ("organisation", "email", "invited_by", "created_at", "expires_at", "accepted_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # invitations are sent by managers, from the organisation's pages
