""" "Don't count me": a member's setting and a visitor's opt-out leave them out of first-party statistics."""

import pytest
from django.urls import reverse

from preceptor.analytics import buffer
from preceptor.analytics.models import PageviewEvent, RequestLog
from preceptor.core.models import AuditEvent
from preceptor.privacy import registry, statistics

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def visit(client, path="/courses/", ip="203.0.113.77", **headers):
    response = client.get(path, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR=ip, **headers)
    assert response.status_code == 200
    buffer.flush()
    return response


def choose(client, counted: str, next_url: str = "/privacy/cookies/"):
    return client.post(reverse("privacy:statistics"), {"counted": counted, "next": next_url})


def test_a_visitor_who_opts_out_makes_no_pageviews_while_others_do(client):
    visit(client, ip="203.0.113.1")
    assert PageviewEvent.objects.count() == 1
    response = choose(client, "no")
    assert response.status_code == 302 and response["Location"] == "/privacy/cookies/"
    visit(client, ip="203.0.113.1")
    visit(client, "/", ip="203.0.113.1")
    assert PageviewEvent.objects.count() == 1
    assert RequestLog.objects.filter(path="/").exists()  # the security log still has the request
    other = client.__class__()
    visit(other, ip="198.51.100.9")
    assert PageviewEvent.objects.count() == 2
    choose(client, "yes")
    assert client.cookies[statistics.COOKIE].value == ""  # deleted
    visit(client, ip="203.0.113.1")
    assert PageviewEvent.objects.count() == 3


def test_the_opt_out_cookie_holds_no_identifier(client):
    first = choose(client, "no").cookies[statistics.COOKIE]
    second = choose(client.__class__(), "no").cookies[statistics.COOKIE]
    assert first.value == second.value == "off"
    assert first["httponly"] and first["samesite"] == "Lax"
    assert first["max-age"] == statistics.MAX_AGE


def test_a_member_who_switches_counting_off_makes_no_pageviews_in_any_browser(client, learner, outsider):
    client.force_login(learner)
    visit(client)
    assert PageviewEvent.objects.count() == 1
    choose(client, "no", "/settings/privacy/")
    learner.refresh_from_db()
    assert learner.counted_in_statistics is False
    assert AuditEvent.objects.filter(action="account.updated", subject=learner, data__counted=False).exists()
    other_browser = client.__class__()
    other_browser.force_login(learner)  # no opt-out cookie there: the account setting alone excludes
    visit(other_browser)
    assert PageviewEvent.objects.count() == 1
    someone_else = client.__class__()
    someone_else.force_login(outsider)
    visit(someone_else, ip="198.51.100.9")
    assert PageviewEvent.objects.count() == 2


@pytest.mark.parametrize("header", [{"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}])
def test_a_gpc_or_dnt_browser_is_not_counted(client, header):
    visit(client, **header)
    assert PageviewEvent.objects.count() == 0
    assert RequestLog.objects.count() == 1
    visit(client)
    assert PageviewEvent.objects.count() == 1


def test_the_setting_shows_on_the_privacy_settings_page_and_in_the_export(client, learner):
    client.force_login(learner)
    page = client.get(reverse("privacy:settings")).content.decode()
    assert 'action="/privacy/statistics/"' in page
    assert 'value="yes" id="statistics-yes" checked' in page
    choose(client, "no", "/settings/privacy/")
    page = client.get(reverse("privacy:settings")).content.decode()
    assert 'value="no" id="statistics-no" checked' in page
    learner.refresh_from_db()
    assert registry.export_user(learner)["accounts"]["account"]["counted_in_statistics"] is False


def test_the_cookie_page_offers_the_opt_out_and_lists_its_cookie_without_javascript(client):
    page = client.get(reverse("privacy:cookies")).content.decode()
    assert 'action="/privacy/statistics/"' in page and "<code>preceptor_stats</code>" in page


def test_a_bad_choice_is_explained_and_changes_nothing(client, learner):
    client.force_login(learner)
    response = choose(client, "maybe")
    assert response.status_code == 302
    assert statistics.COOKIE not in response.cookies
    learner.refresh_from_db()
    assert learner.counted_in_statistics is True
    page = client.get(response["Location"]).content.decode()
    assert "Choose whether your visits are counted" in page


def test_the_choice_is_only_taken_by_post(client):
    assert client.get(reverse("privacy:statistics")).status_code == 405
