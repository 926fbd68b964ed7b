"""Assignments: a manager assigns a course to everyone or to named members with a due date; members see them on
their home page; the manager sees done and overdue only for members who share their progress; one reminder before
the due date, only to those who want assignment reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from preceptor.catalog.models import Enrollment
from preceptor.conftest import make_member
from preceptor.mail.models import EmailPreference
from preceptor.teams.models import Assignment
from preceptor.teams.services import assignment_create, assignment_reminders_send
from preceptor.teams.tests.conftest import seat

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_assigns_a_course_and_bad_input_is_explained(organisation, manager, course):
    client = signed_in(manager)
    url = reverse("teams:assignments", args=[organisation.slug])
    assert client.get(url).status_code == 200
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(url, {"item": f"course-{course.pk}", "due_on": past})
    assert response.status_code == 400 and "The due date is in the past." in response.content.decode()
    response = client.post(url, {"item": "course-999999", "due_on": "2099-01-01"})
    assert response.status_code == 400
    response = client.post(url, {"item": f"course-{course.pk}", "due_on": "not a date"})
    assert response.status_code == 400
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(url, {"item": f"course-{course.pk}", "due_on": due})
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.everyone and assignment.course == course


def test_members_see_their_assignments_at_home_and_others_do_not(organisation, manager, course, learner, outsider):
    tina = make_member("tina@hospital.example", "Dr. Tina Named")
    seat(organisation, learner)
    seat(organisation, tina)
    assignment_create(
        organisation=organisation,
        course=course,
        live_class=None,
        due_on=timezone.localdate() + timedelta(days=5),
        members=[tina],
        actor=manager,
    )
    assert "Assigned to you" in signed_in(tina).get("/").content.decode()
    assert "Assigned to you" not in signed_in(learner).get("/").content.decode(), "named for Tina only"
    assert "Assigned to you" not in signed_in(outsider).get("/").content.decode()
    from preceptor.teams.models import AssignmentMember, Membership
    from preceptor.teams.services import membership_end

    membership_end(membership=Membership.objects.get(user=tina), actor=tina)
    assert not AssignmentMember.objects.filter(user=tina).exists(), "her name leaves the assignment with her seat"


def test_the_dashboard_flags_overdue_only_for_members_who_share_progress(organisation, manager, course):
    sharing = make_member("sam@hospital.example", "Dr. Sam Sharing")
    private = make_member("pat@hospital.example", "Dr. Pat Private")
    seat(organisation, sharing, share_progress=True)
    seat(organisation, private)
    assignment = assignment_create(
        organisation=organisation,
        course=course,
        live_class=None,
        due_on=timezone.localdate() + timedelta(days=1),
        members=[],
        actor=manager,
    )
    Assignment.objects.filter(pk=assignment.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    page = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug])).content.decode()
    assert page.count("Overdue: Heart Rhythm Basics") == 1, "Sam's; Pat's state is not shared"
    Enrollment.objects.create(user=sharing, course=course, completed_at=timezone.now())
    page = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug])).content.decode()
    assert "Overdue" not in page
    assert "Overdue" in signed_in(private).get("/").content.decode(), "the member sees their own"


def test_one_reminder_before_the_due_date_to_those_who_want_it_and_have_not_finished(
    organisation, manager, course, django_capture_on_commit_callbacks
):
    wants = make_member("wants@hospital.example", "Dr. Will Wants")
    opted_out = make_member("quiet@hospital.example", "Dr. Quinn Quiet")
    finished = make_member("done@hospital.example", "Dr. Dana Done")
    for user in (wants, opted_out, finished):
        seat(organisation, user)
    EmailPreference.objects.create(user=opted_out, assignment_reminders=False)
    Enrollment.objects.create(user=finished, course=course, completed_at=timezone.now())
    assignment_create(
        organisation=organisation,
        course=course,
        live_class=None,
        due_on=timezone.localdate() + timedelta(days=10),
        members=[],
        actor=manager,
    )
    assert assignment_reminders_send() == 0, "not yet: ten days ahead"
    with django_capture_on_commit_callbacks(execute=True):
        sent = assignment_reminders_send(now=timezone.now() + timedelta(days=8))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["director@hospital.example", "wants@hospital.example"], recipients
    assert sent == 2
    assert "Heart Rhythm Basics" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_reminders_send(now=timezone.now() + timedelta(days=9)) == 0, "once each"
    assert len(mail.outbox) == 2


def test_nobody_but_a_manager_assigns_or_withdraws(organisation, manager, course, learner, staff):
    seat(organisation, learner)
    assignment = assignment_create(
        organisation=organisation,
        course=course,
        live_class=None,
        due_on=timezone.localdate() + timedelta(days=5),
        members=[],
        actor=manager,
    )
    for visitor in (learner, staff):
        client = signed_in(visitor)
        assert client.get(reverse("teams:assignments", args=[organisation.slug])).status_code == 404
        url = reverse("teams:assignment_delete", args=[organisation.slug, assignment.public_id])
        assert client.post(url).status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    signed_in(manager).post(reverse("teams:assignment_delete", args=[organisation.slug, assignment.public_id]))
    assert not Assignment.objects.exists()


def test_a_manager_assigns_to_a_group_and_its_members_see_it(organisation, manager, course, learner):
    from preceptor.teams.models import Group

    residents = [make_member(f"r{n}@hospital.example", f"Dr. Resident {n}") for n in (1, 2)]
    for user in (*residents, learner):
        seat(organisation, user)
    client = signed_in(manager)
    groups_url = reverse("teams:group_create", args=[organisation.slug])
    memberships = {m.user_id: m for m in organisation.memberships.all()}
    response = client.post(
        groups_url, {"group-name": "PGY-1", "group-members": [memberships[r.pk].pk for r in residents]}
    )
    assert response.status_code == 302
    group = Group.objects.get()
    again = client.post(groups_url, {"group-name": "pgy-1", "group-members": [memberships[learner.pk].pk]})
    assert again.status_code == 400 and "There is a group of that name already." in again.content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(
        reverse("teams:assignments", args=[organisation.slug]),
        {"item": f"course-{course.pk}", "due_on": due, "groups": [group.pk]},
    )
    assignment = Assignment.objects.get()
    assert not assignment.everyone and list(assignment.groups.all()) == [group]
    assert "Assigned to you" in signed_in(residents[0]).get("/").content.decode()
    assert "Assigned to you" not in signed_in(learner).get("/").content.decode()
    # Another organisation's manager cannot touch the group.
    from preceptor.teams.services import organisation_create

    other = make_member("chief@clinic.example", "Dr. Chris Chief")
    organisation_create(name="Clinic", slug="clinic", seats=2, manager=other, actor=None)
    delete = reverse("teams:group_delete", args=[organisation.slug, group.public_id])
    assert signed_in(other).post(delete).status_code == 404
    assert signed_in(residents[0]).post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert not Group.objects.exists()
