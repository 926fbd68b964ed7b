"""Legal requests: one privacy officer records the request and the decision, a second one (never the same) approves
before anything is released; each member concerned then gets a ledger row, hidden until the secrecy review date
when there is one. The admin cannot write the ledger."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from preceptor.conftest import make_staff
from preceptor.core.models import AuditEvent
from preceptor.privacy.models import Disclosure, LegalRequest
from preceptor.privacy.selectors import disclosures_grouped
from preceptor.privacy.services import (
    FourEyesError,
    legal_request_approve,
    legal_request_decline,
    legal_request_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return make_staff("officer-one@example.org", "Olga One", "Privacy officer")


@pytest.fixture
def second_officer(db):
    return make_staff("officer-two@example.org", "Otto Two", "Privacy officer")


def record(officer, members, **overrides):
    fields = {
        "authority": "Amtsgericht Berlin-Mitte",
        "reference": "4 Cg 12/26",
        "legal_basis": "§ 101 UrhG",
        "scope": "Name and e-mail address",
        "members": members,
        "decision": "disclose",
        "reasoning": "A valid order naming the accounts.",
        "disclosed": "Name, e-mail address",
        "actor": officer,
        **overrides,
    }
    return legal_request_record(**fields)


def test_recording_releases_nothing_until_a_second_officer_approves(officer, second_officer, learner, pro_member):
    legal_request = record(officer, [learner, pro_member])
    assert legal_request.status == LegalRequest.Status.PENDING
    assert not Disclosure.objects.exists()

    legal_request_approve(legal_request=legal_request, actor=second_officer, note="Checked the order.")

    legal_request.refresh_from_db()
    assert legal_request.status == LegalRequest.Status.RELEASED and legal_request.reviewed_by == second_officer
    rows = Disclosure.objects.order_by("user_id")
    assert [d.user_id for d in rows] == sorted([learner.pk, pro_member.pk])
    assert all(
        (d.recipient, d.recipient_role, d.request_ref, d.restricted)
        == ("Amtsgericht Berlin-Mitte", "authority", "4 Cg 12/26", False)
        for d in rows
    )
    actions = list(AuditEvent.objects.filter(target__contains="LegalRequest").values_list("action", "actor"))
    assert ("privacy.legal_request_recorded", officer.pk) in actions
    assert ("privacy.legal_request_approved", second_officer.pk) in actions


def test_the_officer_who_recorded_a_request_cannot_approve_or_decline_it(officer, learner):
    legal_request = record(officer, [learner])
    with pytest.raises(FourEyesError):
        legal_request_approve(legal_request=legal_request, actor=officer)
    with pytest.raises(FourEyesError):
        legal_request_decline(legal_request=legal_request, actor=officer, note="Changed my mind.")
    legal_request.refresh_from_db()
    assert legal_request.status == LegalRequest.Status.PENDING and not Disclosure.objects.exists()


def test_only_a_privacy_officer_records_or_approves(officer, staff_in, learner):
    cme_office = staff_in("CME office")
    with pytest.raises(PermissionError):
        record(cme_office, [learner])
    legal_request = record(officer, [learner])
    with pytest.raises(PermissionError):
        legal_request_approve(legal_request=legal_request, actor=cme_office)
    assert not Disclosure.objects.exists()


def test_a_decided_request_cannot_be_approved_again(officer, second_officer, learner):
    legal_request = record(officer, [learner])
    legal_request_approve(legal_request=legal_request, actor=second_officer)
    third = make_staff("officer-three@example.org", "Tea Three", "Privacy officer")
    with pytest.raises(ValueError):
        legal_request_approve(legal_request=legal_request, actor=third)
    assert Disclosure.objects.count() == 1


def test_an_approved_refusal_or_a_declined_request_releases_nothing(officer, second_officer, learner):
    refusal = record(officer, [learner], decision="refuse", disclosed="")
    legal_request_approve(legal_request=refusal, actor=second_officer)
    declined = record(officer, [learner])
    legal_request_decline(legal_request=declined, actor=second_officer, note="No legal basis for e-mail addresses.")
    assert LegalRequest.objects.get(pk=refusal.pk).status == LegalRequest.Status.REFUSED
    assert LegalRequest.objects.get(pk=declined.pk).status == LegalRequest.Status.DECLINED
    assert not Disclosure.objects.exists()


def test_a_secret_disclosure_is_hidden_from_the_member_until_its_review_date(client, officer, second_officer, learner):
    review = timezone.localdate() + timedelta(days=90)
    legal_request = record(officer, [learner], secret_until=review)
    legal_request_approve(legal_request=legal_request, actor=second_officer)
    row = Disclosure.objects.get(user=learner)
    assert row.restricted and row.restricted_until == review

    client.force_login(learner)
    assert disclosures_grouped(user=learner) == []
    assert "Amtsgericht" not in client.get(reverse("privacy:data")).content.decode()
    client.force_login(second_officer)  # staff see it in the legal request
    assert "Amtsgericht" in client.get(reverse("privacy:staff_legal")).content.decode()

    with time_machine.travel(timezone.now() + timedelta(days=91)):
        assert [g["recipient"] for g in disclosures_grouped(user=learner)] == ["Amtsgericht Berlin-Mitte"]
        client.force_login(learner)
        assert "Amtsgericht Berlin-Mitte" in client.get(reverse("privacy:data")).content.decode()


def test_a_review_date_must_lie_ahead_and_a_disclosure_must_say_what(officer, learner):
    with pytest.raises(ValueError):
        record(officer, [learner], secret_until=timezone.localdate())
    with pytest.raises(ValueError):
        record(officer, [learner], disclosed=" ")
    with pytest.raises(ValueError):
        record(officer, [])


# --- The staff pages -----------------------------------------------------------------------------------------
def form_data(*emails, **overrides):
    return {
        "authority": "Staatsanwaltschaft Berlin",
        "reference": "276 Js 1/26",
        "legal_basis": "§ 100j StPO",
        "scope": "The account holder's name",
        "emails": "\n".join(emails),
        "decision": "disclose",
        "reasoning": "A valid request naming the account.",
        "disclosed": "Name",
        **overrides,
    }


def test_an_officer_records_a_request_and_a_second_one_approves_it_on_the_pages(
    client, officer, second_officer, learner
):
    client.force_login(officer)
    response = client.post(reverse("privacy:staff_legal_new"), form_data(learner.email.upper()))
    legal_request = LegalRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "privacy:staff_legal_detail", args=[legal_request.public_id]
    )
    assert list(legal_request.members.all()) == [learner]
    page = client.get(response["Location"]).content.decode()
    assert "a second privacy officer must approve" in page and "Approve and release" not in page

    refused = client.post(reverse("privacy:staff_legal_approve", args=[legal_request.public_id]), {"note": ""})
    assert refused.status_code == 400 and not Disclosure.objects.exists()

    client.force_login(second_officer)
    assert "Approve and release" in client.get(response["Location"]).content.decode()
    approved = client.post(reverse("privacy:staff_legal_approve", args=[legal_request.public_id]), {"note": "ok"})
    assert approved.status_code == 302
    assert Disclosure.objects.get().user == learner


def test_the_form_explains_what_is_wrong(client, officer, learner):
    client.force_login(officer)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("privacy:staff_legal_new"),
        form_data(learner.email, "nobody@example.org", disclosed="", secret_until=past),
    )
    assert response.status_code == 200 and not LegalRequest.objects.exists()
    errors = response.context["form"].errors
    assert "nobody@example.org" in str(errors["emails"])
    assert errors["disclosed"] == ["Say what is disclosed."]
    assert errors["secret_until"] == ["The review date must lie in the future."]


def test_declining_on_the_page_needs_a_reason(client, officer, second_officer, learner):
    legal_request = record(officer, [learner])
    client.force_login(second_officer)
    url = reverse("privacy:staff_legal_decline", args=[legal_request.public_id])
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and response.context["form"].errors["note"] == ["Say why you decline it."]
    assert client.post(url, {"note": "No legal basis."}).status_code == 302
    legal_request.refresh_from_db()
    assert legal_request.status == LegalRequest.Status.DECLINED and not Disclosure.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "learner", "staff_without_permissions", "cme"])
def test_the_legal_request_pages_are_for_privacy_officers_only(client, request, officer, staff_in, learner, who):
    legal_request = record(officer, [learner])
    if who == "cme":
        client.force_login(staff_in("CME office"))
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    want = 302 if who == "anonymous" else 403
    for name, args in (
        ("privacy:staff_legal", []),
        ("privacy:staff_legal_new", []),
        ("privacy:staff_legal_detail", [legal_request.public_id]),
    ):
        assert client.get(reverse(name, args=args)).status_code == want
    for name in ("privacy:staff_legal_approve", "privacy:staff_legal_decline"):
        assert client.post(reverse(name, args=[legal_request.public_id]), {"note": "x"}).status_code == want
    assert not Disclosure.objects.exists()


def test_the_admin_shows_the_ledger_but_cannot_add_or_change_it(staff):
    model_admin = admin_site._registry[Disclosure]
    request = RequestFactory().get("/admin/")
    request.user = staff
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert model_admin.has_view_permission(request)
