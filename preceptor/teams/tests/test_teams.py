"""Organisations: invitations (typed and CSV, with a preview), acceptance with the member's sharing choices, the
seat's Pro access, the manager's dashboard and CSV report (only what is shared, and each view in the member's
ledger), leaving and removal, and who may open what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.selectors import membership_for
from preceptor.cme.tests.test_certificates import pdf_text
from preceptor.conftest import make_member
from preceptor.privacy.models import Disclosure
from preceptor.privacy.registry import registry
from preceptor.teams.errors import TeamsError
from preceptor.teams.lists import addresses_from_csv, token_hash
from preceptor.teams.models import Invitation, Membership
from preceptor.teams.services import invitation_accept, invitations_send
from preceptor.teams.tests.conftest import learned, seat

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_token(message) -> str:
    found = re.search(r"/join/([A-Za-z0-9_-]+)/", message.body)
    assert found, message.body
    return found.group(1)


# --- invitations --------------------------------------------------------------------------------------------
def test_a_csv_list_is_previewed_with_each_rows_problem_and_only_the_valid_ones_are_sent(
    organisation, manager, learner, django_capture_on_commit_callbacks
):
    seat(organisation, learner)
    content = (
        (
            "\ufeffName;E-Mail\n"
            "Ann Able;ann@hospital.example\n"
            "Bob;not-an-address\n"
            "Lena;LEARNER@example.org\n"
            "Ann again;Ann@Hospital.example\n"
            "Jürgen Groß;juergen@hospital.example\n"
            ";;\n"
        )
        .encode("cp1252", errors="replace")
        .replace(b"\xef\xbb\xbf", b"")
    )
    client = signed_in(manager)
    upload = SimpleUploadedFile("staff.csv", content, content_type="text/csv")
    response = client.post(reverse("teams:invite", args=[organisation.slug]), {"csv_file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not a valid e-mail address." in page and "not-an-address" in page
    assert "Already holds a seat." in page
    assert "Listed twice" in page
    assert page.count('name="address"') == 2
    assert 'value="ann@hospital.example"' in page and 'value="juergen@hospital.example"' in page
    assert not Invitation.objects.exists(), "the preview sends nothing"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("teams:invite_send", args=[organisation.slug]),
            {"address": ["ann@hospital.example", "juergen@hospital.example", "learner@example.org"]},
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ann@hospital.example",
        "juergen@hospital.example",
    ], "checked again when sent: the member already seated is left out"
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@hospital.example", "juergen@hospital.example"]
    assert "St Mary's Residency" in mail.outbox[0].subject
    token = link_token(mail.outbox[0])
    assert not Invitation.objects.filter(token_hash=token).exists(), "only the token's hash is stored"


def test_csv_files_as_spreadsheets_save_them_are_read():
    assert addresses_from_csv(b"email\r\na@x.example\r\nb@x.example\r\n") == [(2, "a@x.example"), (3, "b@x.example")]
    assert addresses_from_csv(b"a@x.example\nb@x.example\n") == [(1, "a@x.example"), (2, "b@x.example")]
    assert addresses_from_csv("Nom,Prénom,Email\nDupont,Zoé,z@x.example\n".encode("cp1252")) == [(2, "z@x.example")]
    assert addresses_from_csv(b"\xef\xbb\xbfname\temail\nA\ta@x.example\n") == [(2, "a@x.example")]
    with pytest.raises(TeamsError):
        addresses_from_csv(b"email\n")
    with pytest.raises(TeamsError):
        addresses_from_csv(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(TeamsError):
        addresses_from_csv(b"a@x.example\n" * 300_000)


def test_a_bad_upload_is_a_form_error_not_a_500(organisation, manager):
    client = signed_in(manager)
    upload = SimpleUploadedFile("list.xlsx", b"PK\x03\x04\x00\x00\x00", content_type="application/vnd.ms-excel")
    response = client.post(reverse("teams:invite", args=[organisation.slug]), {"csv_file": upload})
    assert response.status_code == 400
    assert "not a CSV file" in response.content.decode()
    response = client.post(reverse("teams:invite", args=[organisation.slug]), {"addresses": ""})
    assert response.status_code == 400
    assert "at least one address" in response.content.decode()


def test_a_member_accepts_with_partial_sharing_and_is_pro_while_the_seat_lasts(
    organisation, manager, django_capture_on_commit_callbacks
):
    member = make_member("ann@hospital.example", "Dr. Ann Able")
    member.trial_ends_at = timezone.now() - timedelta(days=1)
    member.save(update_fields=["trial_ends_at"])
    assert not membership_for(member).is_pro
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(organisation=organisation, addresses=["ann@hospital.example"], invited_by=manager)
    url = reverse("teams:join", args=[link_token(mail.outbox[0])])

    anonymous = Client().get(url)
    assert anonymous.status_code == 200
    assert "ann@hospital.example" in anonymous.content.decode() and "Create an account" in anonymous.content.decode()

    client = signed_in(member)
    assert "Quiz scores" in client.get(url).content.decode()
    response = client.post(url, {"share_progress": "on", "share_credits": "on"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=member)
    assert (membership.share_progress, membership.share_scores, membership.share_credits) == (True, False, True)
    assert membership_for(member).is_pro
    assert membership_for(member).ends_at == organisation.licence_ends_at
    assert client.get(url).status_code == 404, "an invitation is used once"

    client.post(reverse("teams:leave", args=[membership.public_id]))
    assert not Membership.objects.filter(user=member).exists()
    assert not membership_for(member).is_pro, "leaving ends the seat's Pro at once"


def test_an_invitation_is_refused_to_another_address_when_expired_and_when_the_seats_are_taken(organisation, manager):
    other = make_member("someone@else.example", "Sam Else")
    invitations_send(organisation=organisation, addresses=["ann@hospital.example"], invited_by=manager)
    invitation = Invitation.objects.get()
    with pytest.raises(TeamsError, match=r"sent to ann@hospital\.example"):
        invitation_accept(
            invitation=invitation, user=other, share_progress=True, share_scores=False, share_credits=False
        )
    ann = make_member("ann@hospital.example", "Dr. Ann Able")
    with pytest.raises(TeamsError, match="expired"):
        invitation_accept(
            invitation=invitation,
            user=ann,
            share_progress=False,
            share_scores=False,
            share_credits=False,
            now=invitation.expires_at + timedelta(seconds=1),
        )
    organisation.seats = 1  # the manager holds it
    organisation.save()
    with pytest.raises(TeamsError, match="Every seat"):
        invitation_accept(
            invitation=invitation, user=ann, share_progress=False, share_scores=False, share_credits=False
        )
    assert not Membership.objects.filter(user=ann).exists()


def test_a_seat_without_a_paid_licence_gives_no_pro(organisation, trial_ended):
    seat(organisation, trial_ended)
    organisation.licence_ends_at = timezone.now() - timedelta(minutes=1)
    organisation.save()
    assert not membership_for(trial_ended).is_pro


# --- the manager's dashboard --------------------------------------------------------------------------------
@pytest.fixture
def team(organisation, course):
    """Three members who all finished the course, passed its quiz and claimed credit, sharing differently."""
    everything = make_member("eve@hospital.example", "Dr. Eve Everything")
    progress_only = make_member("pia@hospital.example", "Dr. Pia Progress")
    nothing = make_member("nora@hospital.example", '=HYPERLINK("http://evil.example")')
    learned(everything, course, score="91.00", credits="1.75")
    learned(progress_only, course, score="63.00", credits="1.25")
    learned(nothing, course, score="47.00", credits="0.50")
    seat(organisation, everything, share_progress=True, share_scores=True, share_credits=True)
    seat(organisation, progress_only, share_progress=True)
    seat(organisation, nothing)
    return everything, progress_only, nothing


def test_the_dashboard_shows_exactly_what_each_member_shares(organisation, manager, team):
    page = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug])).content.decode()
    assert "91%" in page and "1.75 credits" in page
    assert "63%" not in page and "1.25" not in page, "Pia shares no scores and no credits"
    assert "47%" not in page and "0.5 credits" not in page and "0.50" not in page, "Nora shares nothing"
    assert page.count("not shared") == 2 + 3 + 3, "Pia: two parts; Nora and the manager: three each"
    assert page.count("✓ Heart Rhythm Basics") == 2, "completions of the two who share progress"
    assert page.count("Heart Rhythm Basics · Post-test") == 1, "the score of the one who shares scores"


def test_the_csv_report_has_only_shared_data_and_neutralised_cells(organisation, manager, team):
    response = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug]), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = {line.split(",")[1]: line for line in text.splitlines()[1:]}
    assert "1.75" in lines["eve@hospital.example"]
    assert "1.25" not in text and "0.50" not in text
    assert lines["pia@hospital.example"].count("not shared") == 3  # quizzes, credits, claims
    assert lines["nora@hospital.example"].count("not shared") == 7  # and started, completed, last, overdue
    assert "'=HYPERLINK" in text


def test_the_pdf_report_has_only_shared_data(organisation, manager, team):
    response = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug]), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "St Mary's Residency" in text and "Dr. Eve Everything" in text and "1.75" in text
    assert "1.25" not in text and "0.50" not in text and "0.5 " not in text
    assert Disclosure.objects.filter(channel="PDF report").count() == 3 + 1  # Eve's three parts, Pia's progress


def test_each_view_and_report_lands_in_the_ledger_of_those_who_share(organisation, manager, team):
    everything, progress_only, nothing = team
    client = signed_in(manager)
    client.get(reverse("teams:dashboard", args=[organisation.slug]))
    client.get(reverse("teams:dashboard", args=[organisation.slug]), {"format": "csv"})
    rows = Disclosure.objects.filter(recipient__startswith="St Mary's Residency")
    assert rows.filter(user=everything).count() == 6  # three parts, twice
    assert set(rows.filter(user=progress_only).values_list("data_categories", flat=True)) == {
        "Course progress and completions"
    }
    assert rows.filter(user=progress_only).count() == 2
    assert not rows.filter(user=nothing).exists()
    assert set(rows.values_list("channel", flat=True)) == {"Dashboard", "CSV report"}
    ledger = signed_in(everything).get(reverse("privacy:data")).content.decode()
    assert "St Mary&#x27;s Residency" in ledger or "St Mary's Residency" in ledger


def test_changed_sharing_applies_to_the_next_view(organisation, manager, team):
    everything, _progress_only, _nothing = team
    membership = Membership.objects.get(user=everything)
    prefix = str(membership.public_id)
    response = signed_in(everything).post(
        reverse("teams:sharing", args=[membership.public_id]), {f"{prefix}-share_progress": "on"}
    )
    assert response.status_code == 302
    page = signed_in(manager).get(reverse("teams:dashboard", args=[organisation.slug])).content.decode()
    assert "91%" not in page and "1.75" not in page


def test_a_manager_removes_a_member_and_the_last_manager_cannot_leave(organisation, manager, team):
    everything, _, _ = team
    client = signed_in(manager)
    membership = Membership.objects.get(user=everything)
    client.post(reverse("teams:remove", args=[organisation.slug, membership.public_id]))
    assert not Membership.objects.filter(user=everything).exists()
    own = Membership.objects.get(user=manager)
    client.post(reverse("teams:leave", args=[own.public_id]))
    assert Membership.objects.filter(user=manager).exists()


# --- who may open what ----------------------------------------------------------------------------------------
def test_nobody_but_the_organisations_managers_sees_its_pages(
    organisation, manager, team, staff_without_permissions, staff
):
    from preceptor.teams.services import organisation_create

    everything, _, _ = team
    other_manager = make_member("chief@clinic.example", "Dr. Chris Chief")
    organisation_create(name="Clinic", slug="clinic", seats=3, manager=other_manager, actor=None)
    invitations_send(organisation=organisation, addresses=["new@hospital.example"], invited_by=manager)
    invitation = Invitation.objects.get(email="new@hospital.example")
    member_seat = Membership.objects.get(user=everything)
    gets = [
        reverse("teams:dashboard", args=[organisation.slug]),
        reverse("teams:dashboard", args=[organisation.slug]) + "?format=csv",
        reverse("teams:invite", args=[organisation.slug]),
    ]
    posts = [
        (reverse("teams:invite", args=[organisation.slug]), {"addresses": "x@y.example"}),
        (reverse("teams:invite_send", args=[organisation.slug]), {"address": "x@y.example"}),
        (reverse("teams:remove", args=[organisation.slug, member_seat.public_id]), {}),
        (reverse("teams:revoke", args=[organisation.slug, invitation.public_id]), {}),
    ]
    for visitor in (other_manager, everything, staff_without_permissions, staff):
        client = signed_in(visitor)
        for url in gets:
            assert client.get(url).status_code == 404, (visitor, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (visitor, url)
    anonymous = Client()
    for url in gets:
        assert anonymous.get(url).status_code == 302
    # nothing changed
    assert Membership.objects.filter(user=everything).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Invitation.objects.filter(email="x@y.example").exists()
    # a member's own seat is theirs alone
    own = reverse("teams:sharing", args=[member_seat.public_id])
    assert signed_in(other_manager).post(own, {}).status_code == 404
    assert signed_in(manager).post(reverse("teams:leave", args=[member_seat.public_id])).status_code == 404
    assert Membership.objects.get(pk=member_seat.pk).share_scores


def test_no_state_change_on_get(organisation, manager):
    client = signed_in(manager)
    own = Membership.objects.get(user=manager)
    for url in (
        reverse("teams:leave", args=[own.public_id]),
        reverse("teams:sharing", args=[own.public_id]),
        reverse("teams:invite_send", args=[organisation.slug]),
    ):
        assert client.get(url).status_code == 405


# --- privacy ------------------------------------------------------------------------------------------------
def test_export_has_the_seats_and_sharing_and_erasure_ends_them(organisation, manager, team):
    everything, _, _ = team
    teams = next(app for app in registry() if app.app_label == "teams")
    exported = teams.export_user(everything)
    assert exported["organisation_seats"][0]["organisation"] == "St Mary's Residency"
    assert exported["organisation_seats"][0]["share_scores"] is True
    teams.erase_user(everything)
    assert not Membership.objects.filter(user=everything).exists()
    assert Membership.objects.filter(organisation=organisation).count() == 3


# --- seats ------------------------------------------------------------------------------------------------
def test_a_manager_buys_a_licence_with_the_demo_provider_and_seats_follow_the_payment(settings, manager, course):
    from preceptor.billing.models import Order
    from preceptor.billing.services import prices_ensure
    from preceptor.teams.services import organisation_create

    settings.DEBUG = True  # the demo provider's pages exist only in development
    prices_ensure()
    organisation = organisation_create(name="New Clinic", slug="new-clinic", seats=0, manager=manager, actor=None)
    client = signed_in(manager)
    url = reverse("teams:seats", args=[organisation.slug])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"kind": "licence", "seats": "0", "currency": "EUR", "provider": "demo"})
    assert bad.status_code == 400 and not Order.objects.exists()
    response = client.post(url, {"kind": "licence", "seats": "3", "currency": "EUR", "provider": "demo"})
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.amount == 3 * 24900 and order.currency == "EUR" and order.status == "pending"
    organisation.refresh_from_db()
    assert organisation.seats == 0 and not organisation.licence_active(timezone.now()), "nothing before payment"
    page = client.get(response["Location"])
    assert page.status_code == 200
    paid = client.post(response["Location"], {"outcome": "paid"})
    assert paid.status_code == 302
    organisation.refresh_from_db()
    assert organisation.seats == 3
    assert organisation.licence_ends_at and organisation.licence_ends_at > timezone.now() + timedelta(days=364)
    assert membership_for(manager).is_pro
    assert "Preceptor licence: 3 seats" in client.get(url).content.decode()
    # Two more seats for the rest of the year cost about two seat-years.
    client.post(url, {"kind": "add", "seats": "2", "currency": "EUR", "provider": "demo"})
    added = Order.objects.filter(status="pending").get()
    assert 2 * 24900 * 363 // 365 <= added.amount <= 2 * 24900


def test_only_staff_with_the_organisations_permission_open_them_in_the_admin(organisation, staff, staff_in):
    from django.contrib.auth.models import Permission

    url = reverse("admin:teams_organisation_change", args=[organisation.pk])
    assert signed_in(staff).get(url).status_code == 200
    support = staff_in("Support")
    assert signed_in(support).get(url).status_code in (302, 403)
    support.user_permissions.add(Permission.objects.get(codename="manage_organisations"))
    support = type(support).objects.get(pk=support.pk)  # permissions are cached on the instance
    assert signed_in(support).get(url).status_code == 200
    page = signed_in(staff).get(url).content.decode()
    assert "share_progress" not in page, "what members share is the managers', by consent"


def test_erasing_a_manager_ends_their_seat_and_leaves_the_organisations_orders_and_receipts(
    settings, organisation, manager
):
    from preceptor.billing.models import Order, Receipt
    from preceptor.billing.providers import registry
    from preceptor.billing.providers.demo import DemoProvider
    from preceptor.billing.services import order_checkout_start, order_create, prices_ensure
    from preceptor.privacy.services import erasure_perform, erasure_request
    from preceptor.teams.selectors import seat_purchase_quote

    settings.DEBUG = True
    prices_ensure()
    deputy = make_member("deputy@hospital.example", "Dr. Dee Deputy")
    seat(organisation, deputy, role=Membership.Role.MANAGER)
    quote = seat_purchase_quote(organisation=organisation, kind="add", seats=2, currency="EUR")
    order = order_create(user=manager, item=quote.item, description="2 seats", amount=quote.amount, currency="EUR")
    provider = registry.get("demo")
    assert isinstance(provider, DemoProvider)
    order_checkout_start(provider=provider, request=RequestFactory().get("/"), order=order)
    provider.pay_order(order=Order.objects.get(pk=order.pk))
    organisation.refresh_from_db()
    assert organisation.seats == 7
    erasure_perform(request=erasure_request(user=manager))
    assert not Membership.objects.filter(user=manager).exists()
    assert Order.objects.filter(pk=order.pk, status="paid").exists(), "the organisation's order stays"
    assert Receipt.objects.filter(user=manager).exists(), "and its receipt (tax law)"
    organisation.refresh_from_db()
    assert organisation.seats == 7


def test_a_licence_paid_by_bank_transfer_counts_once_staff_record_the_money(
    settings, manager, staff_in, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    from preceptor.billing.models import Order, Receipt
    from preceptor.billing.services import prices_ensure
    from preceptor.teams.services import organisation_create

    settings.BANK_TRANSFER_DETAILS = "Preceptor GmbH|IBAN DE02 1203 0000 0000 2020 51|BIC BYLADEM1001"
    prices_ensure()
    organisation = organisation_create(name="Rural Practice", slug="rural", seats=1, manager=manager, actor=None)
    client = signed_in(manager)
    url = reverse("teams:seats", args=[organisation.slug])
    assert "Invoice, paid by bank transfer" in client.get(url).content.decode()
    response = client.post(url, {"kind": "licence", "seats": "4", "currency": "EUR", "provider": "transfer"})
    assert response.status_code == 302
    order = Order.objects.get()
    invoice = client.get(response["Location"])
    page = invoice.content.decode()
    assert invoice.status_code == 200 and order.provider_id in page and "DE02 1203 0000 0000 2020 51" in page
    assert "€996.00" in page
    organisation.refresh_from_db()
    assert organisation.seats == 1, "nothing before the money arrives"
    # Nobody else sees the invoice page; only staff who record transfers see the list and record one.
    assert signed_in(make_member("other@x.example", "Other")).get(response["Location"]).status_code == 404
    support = staff_in("Support")
    received = reverse("billing:staff_transfer_received", args=[order.public_id])
    assert signed_in(support).get(reverse("billing:staff_transfers")).status_code == 403
    assert signed_in(support).post(received).status_code == 403
    support.user_permissions.add(Permission.objects.get(codename="record_transfer"))
    support = type(support).objects.get(pk=support.pk)
    staff_client = signed_in(support)
    assert order.provider_id in staff_client.get(reverse("billing:staff_transfers")).content.decode()
    assert staff_client.get(received).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(received).status_code == 302
    assert [m.to for m in mail.outbox] == [[manager.email]], "the receipt, by e-mail"
    organisation.refresh_from_db()
    assert organisation.seats == 4 and organisation.licence_active(timezone.now())
    assert Order.objects.get().status == "paid" and Receipt.objects.filter(user=manager).exists()
    assert staff_client.post(received).status_code == 404, "recorded once"


def test_a_seat_order_paid_after_the_licence_changed_grants_nothing(settings, organisation, manager):
    """Priced against one licence, paid against another: an "add 500 seats" quote for the last day of a licence,
    paid after a renewal, would buy a year of 500 seats at a day's price."""
    from preceptor.billing.models import Order
    from preceptor.billing.providers import registry
    from preceptor.billing.providers.demo import DemoProvider
    from preceptor.billing.services import order_checkout_start, order_create, prices_ensure
    from preceptor.core.models import AuditEvent
    from preceptor.teams.selectors import seat_purchase_quote

    settings.DEBUG = True
    prices_ensure()
    provider = registry.get("demo")
    assert isinstance(provider, DemoProvider)

    def order_for(quote):
        order = order_create(user=manager, item=quote.item, description="x", amount=quote.amount, currency="EUR")
        order_checkout_start(provider=provider, request=RequestFactory().get("/"), order=order)
        return Order.objects.get(pk=order.pk)

    organisation.licence_ends_at = timezone.now() + timedelta(hours=20)
    organisation.save()
    cheap = order_for(seat_purchase_quote(organisation=organisation, kind="add", seats=500, currency="EUR"))
    assert cheap.amount < 500 * 24900 // 300
    renewal = order_for(seat_purchase_quote(organisation=organisation, kind="licence", seats=5, currency="EUR"))
    provider.pay_order(order=renewal)
    provider.pay_order(order=cheap)
    organisation.refresh_from_db()
    assert organisation.seats == 5, "the stale order added nothing"
    assert AuditEvent.objects.filter(action="teams.seats_order_stale", data__order=str(cheap.public_id)).exists()
    with pytest.raises(TeamsError, match="renews with its 5 seats"):
        seat_purchase_quote(organisation=organisation, kind="licence", seats=1000, currency="EUR")


def test_csv_files_with_old_mac_line_ends_or_a_giant_field_are_read_or_refused_cleanly():
    assert addresses_from_csv(b"email\ra@x.example\rb@x.example\r") == [(2, "a@x.example"), (3, "b@x.example")]
    with pytest.raises(TeamsError, match="cannot be read"):
        addresses_from_csv(b'"' + b"a" * 200_000 + b'"\n')


def test_open_invitations_stay_within_reach_of_the_seats(organisation, manager):
    from preceptor.teams.selectors import invite_rows

    organisation.seats = 3  # room for max(2 × 3, 20) = 20 open invitations
    organisation.save()
    addresses = [(n, f"r{n}@hospital.example") for n in range(1, 26)]
    rows = invite_rows(organisation=organisation, addresses=addresses, now=timezone.now())
    assert sum(1 for r in rows if not r.error) == 20
    assert rows[-1].error.startswith("More open invitations than seats can use")
    made = invitations_send(organisation=organisation, addresses=[a for _, a in addresses], invited_by=manager)
    assert len(made) == 20


def test_the_invitation_token_is_redacted_from_logged_paths_and_never_put_in_a_next_address(organisation, manager):
    from preceptor.core.redaction import redact_path

    assert "s3cret" not in redact_path(reverse("teams:join", args=["s3cret-token-value"]))
    invitations_send(organisation=organisation, addresses=["ann@hospital.example"], invited_by=manager)
    token = "known-token"
    Invitation.objects.update(token_hash=token_hash(token))
    visitor = Client()
    page = visitor.get(reverse("teams:join", args=[token])).content.decode()
    assert f"next=/join/{token}" not in page and page.count("?next=/join/continue/") == 2, "no token in their links"
    ann = make_member("ann@hospital.example", "Dr. Ann Able")
    visitor.force_login(ann)
    back = visitor.get(reverse("teams:join_continue"))
    assert back.status_code == 302 and back["Location"] == reverse("teams:join", args=[token])
