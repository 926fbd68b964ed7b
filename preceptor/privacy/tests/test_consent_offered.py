"""Only the purposes this server can act on are offered, and a granted tag admits in ``frame-src`` exactly the
frames it opens (none for most), never beside ``'none'``."""

import re

import pytest
from django.urls import reverse

from preceptor.core.middleware import content_security_policy
from preceptor.privacy import consent
from preceptor.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db
NOT_CONFIGURED = ("statistics_hotjar", "marketing_google", "marketing_meta")


@pytest.fixture
def only_google_analytics(settings):
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    settings.HOTJAR_SITE_ID = settings.GOOGLE_ADS_ID = settings.META_PIXEL_ID = ""


@pytest.fixture
def every_tag(settings):
    settings.GA_MEASUREMENT_ID, settings.HOTJAR_SITE_ID = "G-TEST123", "1234567"
    settings.GOOGLE_ADS_ID, settings.META_PIXEL_ID = "AW-TEST456", "987654321"


def frame_src(response) -> list[str]:
    match = re.search(r"frame-src ([^;]+)", response["Content-Security-Policy"])
    assert match, response["Content-Security-Policy"]
    return match.group(1).split()


def decide(client, action, purposes=()):
    return client.post(reverse("privacy:consent"), {"action": action, "purpose": list(purposes), "next": "/"})


@pytest.mark.parametrize("page", ["privacy:settings", "privacy:cookies"])
def test_only_purposes_with_a_configured_tool_and_email_tracking_are_offered(
    client, learner, only_google_analytics, page
):
    client.force_login(learner)
    html = client.get(reverse(page)).content.decode()
    assert 'id="purpose-statistics_google"' in html and 'id="purpose-email_tracking"' in html
    for name in NOT_CONFIGURED:
        assert f'id="purpose-{name}"' not in html
    assert "not in use on this server" not in html


def test_accept_all_grants_only_what_was_offered_and_the_ledger_keeps_its_format(client, only_google_analytics):
    decide(client, "accept_all")
    record = ConsentRecord.objects.get()
    assert record.granted == ["email_tracking", "statistics_google"]
    assert record.denied == sorted(NOT_CONFIGURED)  # the same lists as before: granted, and every other purpose


def test_a_purpose_not_offered_cannot_be_granted_by_a_forged_form(client, only_google_analytics):
    decide(client, "custom", ["marketing_meta", "statistics_google"])
    assert ConsentRecord.objects.get().granted == ["statistics_google"]


def test_configuring_another_tool_asks_again(client, settings, only_google_analytics):
    decide(client, "accept_all")
    assert 'class="consent-banner"' not in client.get("/").content.decode()
    settings.META_PIXEL_ID = "987654321"
    html = client.get("/").content.decode()
    assert 'class="consent-banner"' in html and "data-meta" not in html


def test_tags_that_open_no_frame_leave_frame_src_none(client, every_tag):
    decide(client, "custom", ["statistics_google", "marketing_meta"])
    response = client.get("/courses/")
    assert "data-ga=" in response.content.decode()
    assert frame_src(response) == ["'none'"]


def test_every_tag_granted_admits_exactly_their_frames_without_none(client, every_tag):
    decide(client, "accept_all")
    response = client.get("/courses/")
    expected = {host for p in consent.PURPOSES.values() for host in p["frames"]}
    assert expected == {
        "https://td.doubleclick.net",
        "https://bid.g.doubleclick.net",
        "https://www.googletagmanager.com",
        "https://vars.hotjar.com",
    }
    assert set(frame_src(response)) == expected


def test_only_google_ads_admits_its_frames(client, every_tag):
    decide(client, "custom", ["marketing_google"])
    assert set(frame_src(client.get("/courses/"))) == set(consent.PURPOSES["marketing_google"]["frames"])


def test_a_withdrawal_closes_the_frames_again(client, every_tag):
    decide(client, "accept_all")
    decide(client, "reject_all")
    assert frame_src(client.get("/courses/")) == ["'none'"]


def test_a_source_admitted_beside_none_replaces_it(settings):
    policy = content_security_policy({"frame-src": ["https://meet.example.org"]}, {"frame-src": []})
    assert "frame-src https://meet.example.org;" in policy + ";"
    assert "'none' https://" not in policy
    assert "frame-ancestors 'none'" in policy  # other directives keep their 'none'


def test_the_members_decisions_name_the_tools_not_their_keys(client, learner, every_tag):
    client.force_login(learner)
    decide(client, "custom", ["statistics_google", "marketing_meta"])
    html = client.get(reverse("privacy:settings")).content.decode()
    decisions = html[html.index("Your decisions") :]
    assert "Meta Pixel, Google Analytics" in decisions and "statistics_google" not in decisions
