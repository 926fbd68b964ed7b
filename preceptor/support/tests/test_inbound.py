"""Replies by e-mail: threaded by the signed reply address, quoted history trimmed; forged or unknown references,
strangers and attachments beyond the limits are refused with 4xx and nothing is stored."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from preceptor.support.inbound import reference_from, reply_address, trim_quoted
from preceptor.support.models import Attachment, Message, Ticket
from preceptor.support.tests.conftest import PNG, post_inbound, postmark_file, postmark_payload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inbound_on(settings):
    settings.SUPPORT_INBOUND_SECRET = "inbound-secret"
    settings.SUPPORT_REPLY_DOMAIN = "preceptor.example"
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""


def test_the_confirmation_can_be_answered_at_the_tickets_signed_address(ticket_of, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_of()
    [confirmation] = mail.outbox
    assert confirmation.reply_to == [reply_address(ticket.reference)]
    assert reference_from([reply_address(ticket.reference)]) == ticket.reference
    assert reply_address(ticket.reference).startswith(f"support+{ticket.reference.lower()}.")


def test_a_reply_by_email_is_threaded_with_its_quoted_history_trimmed(client, ticket_of):
    ticket = ticket_of()
    text = (
        "Yes, it works in Firefox now.\n\nVera\n\n"
        "On Mon, 30 Nov 2026 at 10:00, Preceptor <support@preceptor.example> wrote:\n"
        "> Please try another browser.\n> Sam, Preceptor support\n"
    )
    response = post_inbound(
        client, postmark_payload(sender="Visitor@Example.org", to=reply_address(ticket.reference), text=text)
    )
    assert response.status_code == 200, response.content
    reply = ticket.messages.last()
    assert (reply.kind, reply.channel) == ("member", "email")
    assert reply.body == "Yes, it works in Firefox now.\n\nVera"
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_postmarks_stripped_reply_is_used_when_it_sends_one(client, ticket_of):
    ticket = ticket_of()
    payload = postmark_payload(
        sender="visitor@example.org",
        to=reply_address(ticket.reference),
        text="Solved, thank you.\n\n> older text",
        StrippedTextReply="Solved, thank you.",
    )
    assert post_inbound(client, payload).status_code == 200
    assert ticket.messages.last().body == "Solved, thank you."


@pytest.mark.parametrize(
    "text, kept",
    [
        ("New text\n-----Original Message-----\nFrom: x", "New text"),
        ("Neu\n\nAm 30.11.2026 um 10:00 schrieb Preceptor <support@preceptor.example>:\n> alt", "Neu"),
        ("Top\n> quoted\nmore", "Top"),
        ("Reply\n-- \nDr. Vera Visitor\nClinic", "Reply"),
        ("Reply\r\n\r\nFrom: Preceptor <support@preceptor.example>\r\nSent: Monday", "Reply"),
    ],
)
def test_quoted_history_and_signatures_are_trimmed(text, kept):
    assert trim_quoted(text) == kept


def _counts():
    return Message.objects.count(), Attachment.objects.count()


@pytest.mark.parametrize(
    "to",
    [
        "support@preceptor.example",  # no reference at all
        "support+abcdefgh.0123456789abcdef0123@preceptor.example",  # a reference that exists nowhere
    ],
)
def test_mail_without_a_valid_reference_is_refused(client, ticket_of, to):
    ticket_of()
    before = _counts()
    assert post_inbound(client, postmark_payload(sender="visitor@example.org", to=to)).status_code == 403
    assert _counts() == before


def test_a_forged_signature_is_refused_and_nothing_is_stored(client, ticket_of):
    ticket = ticket_of()
    genuine = reply_address(ticket.reference)
    local, _at, domain = genuine.partition("@")
    signature = local.rpartition(".")[2]
    forged = f"{local[: -len(signature)]}{'0' * len(signature) if signature != '0' * 20 else '1' * 20}@{domain}"
    before = _counts()
    response = post_inbound(client, postmark_payload(sender="visitor@example.org", to=forged))
    assert response.status_code == 403
    assert _counts() == before


def test_another_tickets_signature_does_not_open_this_one(client, ticket_of):
    mine, other = ticket_of(), ticket_of(email="someone@example.org")
    signature = reply_address(other.reference).partition("@")[0].rpartition(".")[2]
    spliced = f"support+{mine.reference.lower()}.{signature}@preceptor.example"
    before = _counts()
    assert post_inbound(client, postmark_payload(sender="visitor@example.org", to=spliced)).status_code == 403
    assert _counts() == before


def test_a_stranger_cannot_write_into_a_ticket_even_with_its_address(client, ticket_of):
    ticket = ticket_of()
    before = _counts()
    payload = postmark_payload(sender="intruder@example.net", to=reply_address(ticket.reference))
    assert post_inbound(client, payload).status_code == 403
    assert _counts() == before


def test_the_webhook_needs_its_secret_and_is_off_without_one(client, ticket_of, settings):
    ticket = ticket_of()
    payload = postmark_payload(sender="visitor@example.org", to=reply_address(ticket.reference))
    assert post_inbound(client, payload, secret="wrong").status_code == 401
    settings.SUPPORT_INBOUND_SECRET = ""
    assert post_inbound(client, payload, secret="").status_code == 404
    assert ticket.messages.count() == 1


def test_malformed_json_is_a_400(client):
    response = client.post(
        "/support/webhooks/postmark/", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION="Bearer inbound-secret",
    )  # fmt: skip
    assert response.status_code == 400
    for payload in ([], {"From": 3}, {"From": "a@b.c", "ToFull": "x"}):
        assert post_inbound(client, payload).status_code == 403


def test_an_attachment_by_email_is_kept_with_the_reply(client, ticket_of):
    ticket = ticket_of()
    payload = postmark_payload(
        sender="visitor@example.org",
        to=reply_address(ticket.reference),
        Attachments=[postmark_file("screen.png", PNG, "image/png")],
    )
    assert post_inbound(client, payload).status_code == 200
    [attachment] = Attachment.objects.filter(message__ticket=ticket)
    assert (attachment.filename, attachment.content_type, attachment.size) == ("screen.png", "image/png", len(PNG))


@pytest.mark.parametrize(
    "files",
    [
        [postmark_file("big.png", PNG + b"\0" * 2048, "image/png")],  # above the size limit (set below)
        [postmark_file("run.exe", b"MZ\x90\0", "application/octet-stream")],  # a type we do not take
        [postmark_file("fake.pdf", b"<html>not a pdf</html>", "application/pdf")],  # the content is not the type
        [postmark_file(f"s{n}.png", PNG, "image/png") for n in range(4)],  # more files than allowed
    ],
)
def test_attachments_beyond_the_limits_are_refused_and_nothing_is_stored(client, ticket_of, settings, files):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 1024
    settings.SUPPORT_ATTACHMENTS_PER_MESSAGE = 3
    ticket = ticket_of()
    before = _counts()
    payload = postmark_payload(sender="visitor@example.org", to=reply_address(ticket.reference), Attachments=files)
    assert post_inbound(client, payload).status_code == 403
    assert _counts() == before


def test_the_maildir_command_threads_replies_and_sets_refused_ones_aside(tmp_path, ticket_of):
    ticket = ticket_of()
    box = mailbox.Maildir(tmp_path / "support", create=True)

    def message(sender: str, to: str, text: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, "Re: The video stops"
        msg.set_content(text)
        return msg

    good = message("Vera Visitor <visitor@example.org>", reply_address(ticket.reference), "Works now.\n> quoted")
    good.add_attachment(PNG, maintype="image", subtype="png", filename="after.png")
    box.add(good)
    box.add(message("visitor@example.org", "support+abcdefgh.0123456789abcdef0123@preceptor.example", "forged"))
    out, err = StringIO(), StringIO()
    call_command("support_read_maildir", str(tmp_path / "support"), stdout=out, stderr=err)
    assert "1 replies threaded, 1 refused." in out.getvalue()
    reply = ticket.messages.last()
    assert (reply.body, reply.channel) == ("Works now.", "email")
    assert reply.attachments.get().filename == "after.png"
    [left] = list(box)  # the refused one stays, set aside, and is not read again
    assert "T" in left.get_flags()
    call_command("support_read_maildir", str(tmp_path / "support"), stdout=StringIO(), stderr=StringIO())
    assert Ticket.objects.get().messages.count() == 2


def test_an_attachment_larger_than_the_sites_general_body_limit_still_arrives(client, ticket_of, settings):
    ticket = ticket_of()
    screenshot = PNG + b"\0" * (2 * 1024 * 1024)  # 2 MB: above REQUEST_MAX_BYTES, within the support limit
    assert len(screenshot) > settings.REQUEST_MAX_BYTES
    payload = postmark_payload(
        sender="visitor@example.org",
        to=reply_address(ticket.reference),
        Attachments=[postmark_file("big.png", screenshot, "image/png")],
    )
    assert post_inbound(client, payload).status_code == 200
    assert Attachment.objects.get(message__ticket=ticket).size == len(screenshot)
