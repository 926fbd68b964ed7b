"""The support desk in a browser, with the CSP enforced: a visitor asks a question (help articles are suggested
while they type the subject), gets the confirmation page and e-mail; support staff reply; the visitor answers by
e-mail through the inbound webhook; the ticket shows the whole thread, and once the visitor has an account with
that address they find it at /support/tickets/. Every request goes to the test server itself.
Screenshots go to test-artifacts/test_a_visitors_question_is_answered_and_the_reply_by_email_joins_the_thread/."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from preceptor.conftest import make_member, make_staff, wait_until
from preceptor.support.demo import demo_help_create
from preceptor.support.models import Ticket
from preceptor.support.tests.conftest import post_inbound, postmark_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def browser_page(new_page, user, base: str, hosts: list[str]):
    page = new_page()
    page.context.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return page


def test_a_visitors_question_is_answered_and_the_reply_by_email_joins_the_thread(
    live_server, new_page, screenshot, settings
):
    settings.SUPPORT_INBOUND_SECRET = "inbound-secret"
    settings.SUPPORT_REPLY_DOMAIN = "preceptor.example"
    demo_help_create()
    base, hosts = live_server.url, []
    agent = make_staff("agent@example.org", "Sam Support", "Support")

    # A visitor asks; while they type the subject, a help article is suggested.
    page = browser_page(new_page, None, base, hosts)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/support/")
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Your e-mail address").fill("vera@example.org")
    page.get_by_label("Topic").select_option("account")
    page.get_by_label("Subject").fill("I forgot my password")
    suggestion = page.locator("#help-suggestions a", has_text="I forgot my password")
    suggestion.wait_for()
    assert page.locator(".privacy-kind").is_hidden()
    page.get_by_label("Message").fill("The reset e-mail never arrives. Can you help?")
    screenshot(page, "01-visitor-writes-with-a-suggestion")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{base}/support/sent/")
    ticket = Ticket.objects.get()
    assert ticket.reference in page.locator(".ticket-reference").inner_text()
    screenshot(page, "02-confirmation")
    wait_until(lambda: len(mail.outbox) == 2, what="the confirmation e-mail and the alert to support staff")
    confirmation, alert = sorted(mail.outbox, key=lambda message: message.to != ["vera@example.org"])
    assert confirmation.to == ["vera@example.org"] and ticket.reference in confirmation.subject
    assert alert.to == [agent.email] and ticket.reference in alert.subject
    reply_to = confirmation.reply_to[0]

    # Support staff find it in the queue, insert nothing canned, and reply.
    desk = browser_page(new_page, agent, base, hosts)
    desk.goto(f"{base}/staff/support/")
    desk.get_by_role("link", name="I forgot my password").click()
    desk.wait_for_url(re.compile(r"/staff/support/[0-9a-f-]+/$"))
    desk.get_by_label("Reply", exact=True).fill("We have sent a new link. Please look in your spam folder too.")
    desk.get_by_role("button", name="Send").click()
    desk.wait_for_url(re.compile(r"/staff/support/[0-9a-f-]+/$"))
    assert "The reply is on its way to vera@example.org." in desk.content()
    wait_until(lambda: len(mail.outbox) == 3, what="the staff reply e-mail")
    answer = mail.outbox[2]
    assert "We have sent a new link" in answer.body and answer.reply_to == [reply_to]

    # The visitor answers by e-mail; Postmark posts it to the inbound webhook.
    text = "Found it, thank you!\n\nOn Mon, Sam Support wrote:\n> We have sent a new link."
    response = post_inbound(Client(), postmark_payload(sender="vera@example.org", to=reply_to, text=text))
    assert response.status_code == 200, response.content
    desk.reload()
    thread = desk.locator(".support-thread").inner_text()
    assert "The reset e-mail never arrives" in thread and "We have sent a new link" in thread
    assert "Found it, thank you!" in thread and "We have sent a new link. Please" in thread
    assert thread.count("We have sent a new link") == 1  # the quote was trimmed
    screenshot(desk, "03-staff-sees-the-thread")

    # With an account at that address, the visitor finds the ticket and its thread.
    member = make_member("vera@example.org", "Vera Visitor")
    mine = browser_page(new_page, member, base, hosts)
    mine.set_viewport_size({"width": 390, "height": 844})
    mine.goto(f"{base}/support/tickets/")
    mine.get_by_role("link", name="I forgot my password").click()
    thread = mine.locator(".support-thread").inner_text()
    assert "Found it, thank you!" in thread and "We have sent a new link" in thread
    assert mine.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(mine, "04-member-sees-the-ticket")

    assert set(hosts) == {urlsplit(base).netloc}
