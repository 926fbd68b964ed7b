from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from preceptor.privacy.models import DataRequest
from preceptor.privacy.registry import processing_record

pytestmark = pytest.mark.django_db


def test_the_record_of_processing_lists_every_declaration(client, staff, capsys):
    entries = processing_record()
    assert {"accounts.User", "billing.Receipt", "privacy.ConsentRecord", "mail.EmailPreference"} <= {
        e["data"] for e in entries
    }
    assert all(e["purpose"] and e["legal_basis"] and e["retention"] for e in entries)
    call_command("privacy_record")
    assert "| billing.Receipt |" in capsys.readouterr().out
    client.force_login(staff)
    assert "Record of processing activities" in client.get(reverse("privacy:staff_record")).content.decode()


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("learner", 403), ("teacher", 403), ("staff_without_permissions", 403)]
)
def test_only_staff_see_the_back_office(client, request, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for name in ("privacy:staff_record", "privacy:staff_requests"):
        response = client.get(reverse(name))
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "role, allowed", [("Privacy officer", True), ("CME office", False), ("Support", False), ("Statistics", False)]
)
def test_only_the_privacy_officer_opens_the_record_and_the_queue_and_each_look_is_audited(
    client, staff_in, learner, role, allowed
):
    from preceptor.core.models import AuditEvent
    from preceptor.privacy.services import data_request_receive

    data_request = data_request_receive(user=learner, kind="erasure", actor=None)
    officer = staff_in(role)
    client.force_login(officer)
    urls = {
        "privacy.processing_record_viewed": reverse("privacy:staff_record"),
        "privacy.data_requests_viewed": reverse("privacy:staff_requests"),
        "privacy.data_request_viewed": reverse("privacy:staff_extend", args=[data_request.public_id]),
    }
    for action, url in urls.items():
        assert client.get(url).status_code == (200 if allowed else 403)
        assert AuditEvent.objects.filter(actor=officer, action=action).count() == (1 if allowed else 0)
    if allowed:
        seen = AuditEvent.objects.get(action="privacy.data_request_viewed")
        assert seen.subject == learner and seen.target == f"privacy.DataRequest:{data_request.pk}"
        queue = AuditEvent.objects.get(action="privacy.data_requests_viewed")
        assert queue.data == {"requests": [str(data_request.public_id)]}
    # Queuing an erasure is the officer's alone.
    client.post(reverse("privacy:staff_requests"), {"email": learner.email, "kind": "export"})
    assert DataRequest.objects.filter(user=learner).count() == (2 if allowed else 1)


def test_staff_queue_a_request_received_by_email_with_a_one_month_deadline(client, staff, learner):
    client.force_login(staff)
    bad = client.post(reverse("privacy:staff_requests"), {"email": "nobody@example.org", "kind": "export"})
    assert "No active member has this e-mail address." in bad.content.decode()
    client.post(reverse("privacy:staff_requests"), {"email": learner.email.upper(), "kind": "export"})
    data_request = DataRequest.objects.get()
    assert data_request.user == learner
    assert 28 <= (data_request.due_at - data_request.received_at).days <= 31
    assert learner.email in client.get(reverse("privacy:staff_requests")).content.decode()


def test_an_extension_needs_a_reason_comes_before_the_deadline_happens_once_and_tells_the_member(
    client, staff, learner, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    client.post(reverse("privacy:staff_requests"), {"email": learner.email, "kind": "export"})
    data_request = DataRequest.objects.get()
    url = reverse("privacy:staff_extend", args=[data_request.public_id])
    assert (
        "Ensure this value has at least 20 characters"
        in client.post(url, {"months": 2, "reason": "busy"}).content.decode()
    )
    reason = "The archive of your class attendance is being restored from backup."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"months": 2, "reason": reason})
    data_request.refresh_from_db()
    assert 89 <= (data_request.due_at - data_request.received_at).days <= 92  # one month, plus two
    assert mailoutbox[-1].to == [learner.email] and reason in mailoutbox[-1].body
    assert "already extended" in client.post(url, {"months": 1, "reason": reason}).content.decode()

    other = DataRequest.objects.create(
        user=learner, kind="export", received_at=timezone.now(), due_at=timezone.now() + timedelta(days=1)
    )
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        late = client.post(reverse("privacy:staff_extend", args=[other.public_id]), {"months": 1, "reason": reason})
    assert "before the deadline" in late.content.decode()
