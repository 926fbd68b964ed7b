"""The contact form, the confirmation, a member's tickets, the staff desk, and who may see a ticket or its files."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from preceptor.analytics.selectors import day_aggregates
from preceptor.conftest import make_member
from preceptor.core.models import DomainEvent
from preceptor.privacy.models import DataRequest
from preceptor.support.demo import demo_help_create
from preceptor.support.models import Attachment, Message, Ticket
from preceptor.support.services import ticket_answer_send, ticket_reply_record
from preceptor.support.tests.conftest import PNG, QUESTION

pytestmark = pytest.mark.django_db


def ask(client, **changes):
    return client.post(reverse("support:contact"), QUESTION | changes)


def test_a_visitor_asks_and_gets_a_reference_on_the_page_and_by_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 302 and response["Location"] == reverse("support:sent")
    ticket = Ticket.objects.get()
    assert (ticket.email, ticket.name, ticket.user, ticket.status) == (
        "visitor@example.org",
        "Vera Visitor",
        None,
        "new",
    )
    assert ticket.messages.get().body == QUESTION["message"]
    page = client.get(reverse("support:sent")).content.decode()
    assert ticket.reference in page
    [confirmation] = mail.outbox
    assert confirmation.to == ["visitor@example.org"]
    assert ticket.reference in confirmation.subject and ticket.reference in confirmation.body
    assert QUESTION["message"] in confirmation.body


def test_the_form_shows_its_fields_and_the_help_script(client):
    html = client.get(reverse("support:contact")).content.decode()
    for name in ("name", "email", "topic", "subject", "message", "attachment", "website"):
        assert f'name="{name}"' in html
    assert "support/help.js" in html and "<script>" not in html


def test_a_signed_in_member_asks_under_their_own_account(client, learner):
    client.force_login(learner)
    html = client.get(reverse("support:contact")).content.decode()
    assert 'name="email"' not in html
    assert ask(client, email="someone-else@example.org").status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.user, ticket.email) == (learner, learner.email)


def test_an_attachment_is_kept_privately(client, settings):
    upload = ("screen.png", PNG)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = ask(client, attachment=SimpleUploadedFile(*upload, content_type="image/png"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name.startswith("support/") and not attachment.file.name.endswith(".png")
    assert (attachment.filename, attachment.content_type) == ("screen.png", "image/png")
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_a_disallowed_attachment_is_a_form_error_and_stores_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = ask(client, attachment=SimpleUploadedFile("page.html", b"<script>x</script>", content_type="text/html"))
    assert response.status_code == 400
    assert "not a file we accept" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_honeypot_stores_nothing_and_sends_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Ticket.objects.exists() and mail.outbox == []
    assert "reference" not in client.get(reverse("support:sent")).content.decode()


def test_one_address_may_ask_three_times_an_hour_from_wherever_it_writes(client):
    for n in range(3):
        data = QUESTION | {"subject": f"Question {n}"}
        assert client.post(reverse("support:contact"), data, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    refused = client.post(reverse("support:contact"), QUESTION, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Ticket.objects.count() == 3


def test_one_client_address_may_ask_five_times_an_hour(client):
    for n in range(5):
        assert ask(client, email=f"v{n}@example.org").status_code == 302
    assert ask(client, email="v9@example.org").status_code == 429
    assert Ticket.objects.count() == 5


def test_invalid_input_is_a_400_with_errors(client):
    response = ask(client, topic="nonsense", email="not-an-address", subject="")
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_a_question_counts_as_the_contact_enquiry_goal(client):
    from preceptor.analytics.models import PageviewEvent

    ask(client)
    ticket = Ticket.objects.get()
    event = DomainEvent.objects.get(kind="contact_enquiry")
    assert event.reference == f"ticket-{ticket.reference}" and event.user is None
    day = event.created_at.date()
    PageviewEvent.objects.create(day=day, visitor="v" * 64, path="/support/")  # a day's goals go with its visits
    goals = {(row.key, row.count) for row in day_aggregates(day) if row.metric == "goal"}
    assert goals == {("contact_enquiry", 1)}


def test_the_ad_conversion_goes_out_only_with_marketing_consent(
    client,
    learner,
    endpoint,
    django_capture_on_commit_callbacks,
):
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    assert endpoint == []  # no consent
    client.post(reverse("privacy:consent"), {"action": "custom", "purpose": ["marketing_meta"], "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, subject="Another question")
    [(path, body, _auth)] = endpoint
    assert path == "/meta" and body["data"][0]["event_name"] == "Contact"
    assert "video" not in str(body).lower()


def test_a_visitors_question_sends_no_conversion_whatever_the_banner_says(
    client,
    endpoint,
    django_capture_on_commit_callbacks,
):
    client.post(reverse("privacy:consent"), {"action": "accept_all", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    assert endpoint == []  # no member, no consent in the ledger to check: nothing leaves


def test_a_privacy_request_becomes_a_data_request_linked_to_the_ticket(client, learner):
    client.force_login(learner)
    ask(client, topic="privacy", privacy_kind="erasure", subject="Delete my account")
    ticket = Ticket.objects.get()
    request = ticket.data_request
    assert request is not None and (request.user, request.kind, request.status) == (learner, "erasure", "pending")
    assert request.scheduled_for is None  # nothing runs before staff have checked who wrote
    assert request.due_at > request.received_at
    assert DataRequest.objects.get().support_ticket == ticket


def test_a_visitors_privacy_request_is_queued_without_an_account(client):
    ask(client, topic="privacy", subject="What do you hold about me?")
    request = Ticket.objects.get().data_request
    assert request is not None and (request.user, request.kind) == (None, "export")


# --- The member's tickets ------------------------------------------------------------------------------
def test_a_member_sees_and_answers_their_tickets_including_those_asked_as_a_visitor(client, learner, ticket_of):
    visitor_ticket = ticket_of(email=learner.email.upper())
    own = ticket_of(learner, subject="Invoice")
    ticket_of(email="stranger@example.org", subject="Not mine")
    client.force_login(learner)
    html = client.get(reverse("support:tickets")).content.decode()
    assert "Invoice" in html and "The video stops" in html and "Not mine" not in html
    response = client.post(reverse("support:ticket_reply", args=[own.public_id]), {"body": "Any news?"})
    assert response.status_code == 302
    assert own.messages.last().body == "Any news?"
    assert client.get(reverse("support:ticket", args=[visitor_ticket.public_id])).status_code == 200


def test_an_unverified_address_does_not_claim_a_visitors_tickets(client, ticket_of):
    member = make_member("claimer@example.org", "Cla Imer")
    EmailAddress.objects.filter(user=member).update(verified=False)
    ticket = ticket_of(email="claimer@example.org")
    client.force_login(member)
    assert client.get(reverse("support:ticket", args=[ticket.public_id])).status_code == 404


def test_a_visitor_cannot_list_tickets(client, ticket_of):
    ticket_of()
    response = client.get(reverse("support:tickets"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_internal_notes_are_never_shown_to_the_member(client, learner, ticket_of, staff_in):
    ticket = ticket_of(learner)
    agent = staff_in("Support")
    ticket_answer_send(
        ticket=ticket, author=agent, body="Secret: check the refund log", internal=True, files=[("n.txt", b"note")]
    )
    ticket_answer_send(ticket=ticket, author=agent, body="Please try Firefox.")
    client.force_login(learner)
    html = client.get(reverse("support:ticket", args=[ticket.public_id])).content.decode()
    assert "Please try Firefox." in html and "Secret" not in html
    note_file = Attachment.objects.get(message__kind="note")
    assert client.get(reverse("support:attachment", args=[note_file.public_id])).status_code == 404


# --- Access: owner, other member, anonymous, staff with and without the role ----------------------------------
@pytest.fixture
def owned(learner, ticket_of):
    ticket = ticket_of(learner, files=[("screen.png", PNG)])
    return ticket, Attachment.objects.get(message__ticket=ticket)


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who, ticket_page, file, staff_page", [
    ("owner", 200, 200, 403),
    ("other", 404, 404, 403),
    ("anonymous", "login", "login", "login"),
    ("staff_without_role", 404, 404, 403),
    ("staff_other_role", 404, 404, 403),
    ("support", 404, 200, 200),
    ("superuser", 404, 200, 200),
])  # fmt: skip
def test_who_may_see_a_ticket_and_its_attachment(
    client, owned, who, ticket_page, file, staff_page, learner, outsider, staff, staff_in, staff_without_permissions
):
    ticket, attachment = owned
    user = {
        "owner": learner,
        "other": outsider,
        "anonymous": None,
        "staff_without_role": staff_without_permissions,
        "staff_other_role": staff_in("Privacy officer"),
        "support": staff_in("Support"),
        "superuser": staff,
    }[who]
    urls = {
        "ticket": reverse("support:ticket", args=[ticket.public_id]),
        "file": reverse("support:attachment", args=[attachment.public_id]),
        "staff": reverse("support:staff_ticket", args=[ticket.public_id]),
    }
    for key, want in (("ticket", ticket_page), ("file", file), ("staff", staff_page)):
        response = _get(client, user, urls[key])
        if want == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], key
        else:
            assert response.status_code == want, (key, who)
    if file == 200:
        response = _get(client, user, urls["file"])
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == "image/png"


def test_another_member_cannot_reply_into_a_ticket(client, owned, outsider):
    ticket, _attachment = owned
    client.force_login(outsider)
    response = client.post(reverse("support:ticket_reply", args=[ticket.public_id]), {"body": "hijack"})
    assert response.status_code == 404
    assert not Message.objects.filter(body="hijack").exists()


# --- The staff desk -------------------------------------------------------------------------------------
def test_support_staff_answer_by_email_and_the_reply_threads_back(
    client, learner, ticket_of, staff_in, django_capture_on_commit_callbacks
):
    ticket = ticket_of(learner)
    agent = staff_in("Support")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:staff_reply", args=[ticket.public_id]), {"body": "Please try Firefox.", "status": ""}
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "waiting" and ticket.first_responded_at is not None
    [reply] = mail.outbox
    assert reply.to == [learner.email] and "Please try Firefox." in reply.body
    assert reply.reply_to[0].startswith(f"support+{ticket.reference.lower()}.")


def test_a_note_is_not_emailed(client, learner, ticket_of, staff_in, django_capture_on_commit_callbacks):
    ticket = ticket_of(learner)
    client.force_login(staff_in("Support"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("support:staff_reply", args=[ticket.public_id]), {"body": "Internal", "internal": "on"})
    assert mail.outbox == []
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None and ticket.messages.last().kind == "note"


def test_staff_set_status_priority_and_assignee(client, ticket_of, staff_in):
    ticket = ticket_of()
    agent = staff_in("Support")
    client.force_login(agent)
    response = client.post(
        reverse("support:staff_update", args=[ticket.public_id]),
        {"status": "closed", "priority": "4", "assignee": str(agent.pk)},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee, ticket.closed_at is not None) == ("closed", 4, agent, True)
    refused = client.post(
        reverse("support:staff_update", args=[ticket.public_id]), {"status": "x", "priority": "9", "assignee": "abc"}
    )
    assert refused.status_code == 400


def test_the_queue_searches_filters_and_flags_overdue_tickets(
    client, ticket_of, staff_in, settings, django_assert_max_num_queries
):
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now() - timezone.timedelta(hours=settings.SUPPORT_FIRST_RESPONSE_HOURS + 1)):
        late = ticket_of(subject="Certificate missing", topic="cme")
    ticket_of(subject="Refund please", topic="billing", email="payer@example.org")
    client.force_login(staff_in("Support"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("support:staff_queue")).content.decode()
    assert "Certificate missing" in html and "Refund please" in html and "Overdue" in html
    html = client.get(reverse("support:staff_queue"), {"q": "payer@"}).content.decode()
    assert "Refund please" in html and "Certificate missing" not in html
    html = client.get(reverse("support:staff_queue"), {"overdue": "on"}).content.decode()
    assert "Certificate missing" in html and "Refund please" not in html
    html = client.get(reverse("support:staff_queue"), {"topic": "billing"}).content.decode()
    assert "Refund please" in html and "Certificate missing" not in html
    html = client.get(reverse("support:staff_queue"), {"q": late.reference}).content.decode()
    assert "Certificate missing" in html and "Refund please" not in html


def test_the_ticket_page_offers_canned_replies(client, ticket_of, staff_in):
    demo_help_create()
    ticket = ticket_of()
    client.force_login(staff_in("Support"))
    html = client.get(reverse("support:staff_ticket", args=[ticket.public_id])).content.decode()
    assert "Password reset link" in html and "data-canned-target" in html


# --- Help articles --------------------------------------------------------------------------------------
def test_help_articles_are_found_by_what_the_member_types(client):
    demo_help_create()
    results = client.get(reverse("support:help_search"), {"q": "forgot my password"}).json()["results"]
    assert results[0] == {
        "title": "I forgot my password",
        "url": reverse("support:help_article", args=["reset-password"]),
    }
    assert client.get(reverse("support:help_search"), {"q": "zz"}).json() == {"results": []}
    page = client.get(results[0]["url"]).content.decode()
    assert "Forgot your password?" in page


def test_unpublished_help_articles_are_hidden(client):
    demo_help_create()
    from preceptor.support.models import HelpArticle

    HelpArticle.objects.filter(slug="reset-password").update(published=False)
    assert client.get(reverse("support:help_article", args=["reset-password"])).status_code == 404
    assert client.get(reverse("support:help_search"), {"q": "password"}).json()["results"] == []


def test_help_comes_in_the_members_language_and_in_english_where_it_has_none(client):
    from preceptor.support.models import HelpArticle

    demo_help_create()
    german = client.get(reverse("support:help_search"), {"q": "Passwort vergessen"}, HTTP_ACCEPT_LANGUAGE="de")
    assert german.json()["results"][0]["title"] == "Ich habe mein Passwort vergessen"
    form = client.get(reverse("support:contact"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wo finde ich mein CME-Zertifikat?" in form and "Where is my CME certificate?" not in form
    english = client.get(reverse("support:help_search"), {"q": "password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [r["title"] for r in english.json()["results"]] == ["I forgot my password"]

    HelpArticle.objects.filter(language="de").update(published=False)  # none in German: the English ones
    fallback = client.get(reverse("support:help_search"), {"q": "password"}, HTTP_ACCEPT_LANGUAGE="de")
    assert fallback.json()["results"][0]["title"] == "I forgot my password"


def test_a_screenshot_of_a_few_megabytes_is_taken_by_the_contact_form(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    screenshot = PNG + b"\0" * (3 * 1024 * 1024)
    assert len(screenshot) > settings.REQUEST_MAX_BYTES
    response = ask(client, attachment=SimpleUploadedFile("screen.png", screenshot, content_type="image/png"))
    assert response.status_code == 302
    assert Attachment.objects.get().size == len(screenshot)
    too_big = PNG + b"\0" * settings.SUPPORT_ATTACHMENT_MAX_BYTES
    response = ask(
        client, subject="Again", attachment=SimpleUploadedFile("huge.png", too_big, content_type="image/png")
    )
    assert response.status_code == 400 and Ticket.objects.count() == 1


def test_support_staff_are_told_of_a_new_ticket_and_of_the_members_next_message(
    learner, ticket_of, staff, staff_in, staff_without_permissions, django_capture_on_commit_callbacks
):
    agent, editor = staff_in("Support"), staff_in("Content editor")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_of(learner, body="My licence number is 12345.")
    alerts = [m for m in mail.outbox if m.to != [learner.email]]
    assert [m.to for m in alerts] == [[agent.email]]  # not the superuser, the editor, or staff without the role
    [alert] = alerts
    assert ticket.reference in alert.subject and "The video stops" in alert.subject
    assert reverse("support:staff_ticket", args=[ticket.public_id]) in alert.body
    assert "12345" not in alert.body  # what the member wrote stays in the desk
    assert {editor.email, staff.email, staff_without_permissions.email}.isdisjoint(m.to[0] for m in mail.outbox)

    # Assigned: the member's next message goes to the assignee alone.
    other_agent = make_member("agent2@example.org", "Ada Agent", is_staff=True)
    other_agent.groups.add(*agent.groups.all())
    ticket.assignee = other_agent
    ticket.save(update_fields=["assignee"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply_record(ticket=ticket, author=learner, body="Still broken.")
    assert [m.to for m in mail.outbox] == [[other_agent.email]]
    assert "wrote again" in mail.outbox[0].subject
