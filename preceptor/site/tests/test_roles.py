"""The staff roles: groups made by the site app's migration, each with only its job's permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from preceptor.conftest import ROLES

pytestmark = pytest.mark.django_db

# Every permission that opens a staff page or action (the ones declared in the apps' model Meta).
STAFF_PERMISSIONS = {
    "cme.download_reports",
    "cme.export_evaluations",
    "cme.revoke_certificate",
    "privacy.view_processing_record",
    "privacy.manage_data_requests",
    "analytics.search_request_log",
    "analytics.view_statistics",
    "classes.publish_recording",
    "mail.add_newsletter",
    "mail.send_newsletter",
    "magazine.moderate_comment",
    "support.handle_ticket",
}


def grants(role: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_migration_makes_one_group_per_role_and_every_staff_permission_belongs_to_a_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert set().union(*(grants(role) for role in ROLES)) >= STAFF_PERMISSIONS
    declared = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    assert declared >= STAFF_PERMISSIONS


@pytest.mark.parametrize(
    "role, staff_permissions",
    [
        ("CME office", {"cme.download_reports", "cme.export_evaluations", "cme.revoke_certificate"}),
        (
            "Privacy officer",
            {"privacy.view_processing_record", "privacy.manage_data_requests", "analytics.search_request_log"},
        ),
        ("Support", {"support.handle_ticket"}),
        ("Content editor", {"classes.publish_recording"}),
        ("Statistics", {"analytics.view_statistics"}),
        ("Newsletter editor", {"mail.add_newsletter", "mail.send_newsletter"}),
        ("Moderator", {"magazine.moderate_comment"}),
    ],
)
def test_each_role_holds_exactly_its_own_staff_permissions(role, staff_permissions):
    assert grants(role) & STAFF_PERMISSIONS == staff_permissions


def test_the_privacy_officer_publishes_the_policy_and_no_other_role_does():
    assert "privacy.add_policyversion" in grants("Privacy officer")
    assert not any("privacy.add_policyversion" in grants(role) for role in ROLES if role != "Privacy officer")


def test_support_only_looks_members_up_answers_tickets_and_statistics_see_aggregates_only():
    member_data = {p for p in grants("Support") if not p.startswith("support.")}
    assert member_data == {"accounts.view_user", "billing.view_subscription", "billing.view_receipt"}
    assert {"support.handle_ticket", "support.view_ticket", "support.change_helparticle"} <= grants("Support")
    assert "support.delete_ticket" not in grants("Support")  # tickets end by the retention rule, not by hand
    assert "analytics.search_request_log" not in grants("Statistics")
    assert not any(p.split(".")[1].startswith(("add_", "change_", "delete_")) for p in grants("Statistics"))


def test_the_content_editor_writes_and_previews_articles_and_the_moderator_sees_comments_only():
    editor, moderator = grants("Content editor"), grants("Moderator")
    assert {"magazine.add_article", "magazine.change_article", "magazine.preview_article"} <= editor
    assert not {p for p in editor if "comment" in p}
    assert moderator == {"magazine.moderate_comment", "magazine.view_comment", "magazine.view_commentreport"}


def test_the_content_editor_edits_content_but_no_member_data():
    editor = grants("Content editor")
    assert {"catalog.change_course", "catalog.add_lesson", "quizzes.change_question", "classes.change_liveclass"} <= (
        editor
    )
    assert {"cme.change_activity", "cme.add_evaluationquestion"} <= editor
    member_data = {"accounts", "billing", "privacy", "analytics", "profiles", "mail", "core"}
    assert not {p for p in editor if p.split(".")[0] in member_data}
    assert not {"cme.view_claim", "classes.view_registration", "quizzes.view_attempt"} & editor


@pytest.mark.parametrize(
    "role, shown",
    [
        ("CME office", {"CME reports", "Administration"}),
        (
            "Privacy officer",
            {"Record of processing", "Data requests", "Legal requests", "Request log", "Administration"},
        ),
        ("Support", {"Administration", "Support tickets"}),
        ("Content editor", {"Administration"}),
        ("Statistics", {"Visitor statistics", "Administration"}),
        ("Newsletter editor", {"Newsletters", "Administration"}),
        ("Moderator", {"Comment moderation", "Administration"}),
    ],
)
def test_the_staff_index_lists_only_the_pages_the_role_opens(client, staff_in, role, shown):
    client.force_login(staff_in(role))
    response = client.get("/staff/")
    assert response.status_code == 200
    titles = {str(title) for _url, title, _text in response.context["pages"]}
    assert titles == shown
    for url, _title, _text in response.context["pages"]:
        assert client.get(url).status_code == 200, url


def test_the_staff_index_shows_a_superuser_every_page_and_refuses_staff_without_a_role(
    client, staff, staff_without_permissions
):
    client.force_login(staff)
    assert len(client.get("/staff/").context["pages"]) == 11
    client.force_login(staff_without_permissions)
    assert client.get("/staff/").status_code == 403


def admin_actions(response) -> set[str]:
    form = response.context["action_form"]  # None when the changelist offers no action at all
    return set() if form is None else set(dict(form.fields["action"].choices))


def test_publishing_a_policy_in_the_admin_needs_the_change_permission(client, staff_without_permissions):
    from preceptor.conftest import make_staff

    reader = make_staff("reader@example.org", "Rob Reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_policyversion"))
    client.force_login(reader)
    response = client.get("/admin/privacy/policyversion/")
    assert response.status_code == 200
    assert "publish" not in admin_actions(response)
    reader.user_permissions.add(Permission.objects.get(codename="change_policyversion"))
    client.force_login(reader)
    response = client.get("/admin/privacy/policyversion/")
    assert "publish" in admin_actions(response)


def test_replaying_provider_events_in_the_admin_needs_the_change_permission(client, staff):
    from preceptor.conftest import make_staff

    reader = make_staff("events@example.org", "Eve Events")
    reader.user_permissions.add(Permission.objects.get(codename="view_providerevent"))
    client.force_login(reader)
    response = client.get("/admin/billing/providerevent/")
    assert response.status_code == 200
    assert "replay" not in admin_actions(response)
    client.force_login(staff)
    response = client.get("/admin/billing/providerevent/")
    assert "replay" in admin_actions(response)
