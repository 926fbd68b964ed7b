import re

import pytest
from django.urls import reverse

from preceptor.privacy import consent
from preceptor.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db
TAG_HOSTS = ("googletagmanager", "google-analytics", "hotjar", "facebook", "doubleclick", "googleadservices")


@pytest.fixture
def tags(settings):
    settings.GA_MEASUREMENT_ID, settings.HOTJAR_SITE_ID = "G-TEST123", "1234567"
    settings.GOOGLE_ADS_ID, settings.META_PIXEL_ID = "AW-TEST456", "987654321"
    return settings


def decide(client, action, purposes=(), next_url="/"):
    return client.post(
        reverse("privacy:consent"), {"action": action, "purpose": list(purposes), "next": next_url, "surface": "banner"}
    )


def test_a_first_visit_shows_the_banner_sets_only_necessary_cookies_and_loads_no_tag(client, tags):
    response = client.get("/")
    html = response.content.decode()
    assert 'class="consent-banner"' in html
    assert set(response.cookies) <= {"csrftoken", "sessionid"}
    assert "consent-tags.js" not in html
    assert not any(host in html for host in TAG_HOSTS)
    assert not any(host in response["Content-Security-Policy"] for host in TAG_HOSTS)
    assert ConsentRecord.objects.count() == 0  # silence records nothing and grants nothing


def test_accept_all_records_the_decision_and_then_renders_the_tags_with_their_hosts(client, tags):
    response = decide(client, "accept_all")
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.action == "accept_all" and set(record.granted) == set(consent.PURPOSES)
    assert (record.policy_version, record.banner_version) == (consent.policy_version(), consent.banner_version())
    page = client.get("/courses/")
    html = page.content.decode()
    assert 'class="consent-banner"' not in html
    assert 'data-ga="G-TEST123"' in html and 'data-meta="987654321"' in html and 'data-hotjar="1234567"' in html
    csp = page["Content-Security-Policy"]
    assert "https://www.googletagmanager.com" in csp and "https://connect.facebook.net" in csp


def test_reject_all_is_remembered_as_long_as_accept_and_loads_nothing(client, tags):
    response = decide(client, "reject_all")
    assert response.cookies[consent.COOKIE]["max-age"] == consent.MAX_AGE
    html = client.get("/").content.decode()
    assert 'class="consent-banner"' not in html and "consent-tags.js" not in html
    assert ConsentRecord.objects.get().action == "reject_all"


def test_custom_grants_only_the_ticked_purposes_and_nothing_is_pre_ticked(client, tags):
    page = client.get(reverse("privacy:cookies")).content.decode()
    assert 'name="purpose"' in page and not re.search(r'name="purpose" value="\w+" id="[\w-]+" checked', page)
    decide(client, "custom", ["statistics_google"])
    html = client.get("/").content.decode()
    assert 'data-ga="G-TEST123"' in html and "data-meta" not in html and "data-hotjar" not in html


def test_withdrawal_deletes_that_purposes_cookies_in_the_same_response_and_is_recorded(client, tags):
    decide(client, "accept_all")
    for name in ("_ga", "_ga_ABC123", "_gid", "_hjSessionUser_1", "_fbp", "_gcl_au"):
        client.cookies[name] = "x"
    response = decide(client, "custom", ["statistics_hotjar"])
    deleted = {name for name, morsel in response.cookies.items() if morsel["max-age"] == 0}
    assert deleted == {"_ga", "_ga_ABC123", "_gid", "_fbp", "_gcl_au"}
    latest = ConsentRecord.objects.order_by("-created_at").first()
    assert latest.action == "withdraw" and latest.granted == ["statistics_hotjar"]
    assert latest.supersedes is not None


def test_hotjar_never_loads_on_account_payment_or_data_pages(client, tags, learner):
    client.force_login(learner)
    decide(client, "accept_all")
    assert "data-hotjar" in client.get("/courses/").content.decode()
    for url in ("/settings/account/", "/billing/", "/settings/privacy/"):
        assert "data-hotjar" not in client.get(url).content.decode()


def test_a_gpc_signal_refuses_marketing_is_recorded_once_and_an_explicit_opt_in_wins(client, tags):
    page = client.get("/", HTTP_SEC_GPC="1")
    assert "Global Privacy Control" in page.content.decode()
    client.get("/", HTTP_SEC_GPC="1")
    record = ConsentRecord.objects.get()
    assert record.action == "gpc_auto" and set(record.denied) == consent.MARKETING
    assert record.signals == {"sec_gpc": "1"}
    prefs = client.get(reverse("privacy:cookies"), HTTP_SEC_GPC="1").content.decode()
    assert prefs.count("Refused because your browser sends Global Privacy Control") == 2
    decide(client, "accept_all")
    assert "data-meta" in client.get("/", HTTP_SEC_GPC="1").content.decode()


def test_dnt_is_treated_like_gpc(client, tags):
    client.get("/", HTTP_DNT="1")
    assert ConsentRecord.objects.get().action == "gpc_auto"


def test_a_changed_policy_or_banner_version_asks_again(client, tags, monkeypatch):
    decide(client, "accept_all")
    assert 'class="consent-banner"' not in client.get("/").content.decode()
    monkeypatch.setattr(consent, "banner_version", lambda: "changed")
    html = client.get("/").content.decode()
    assert 'class="consent-banner"' in html and "consent-tags.js" not in html


def test_a_forged_consent_cookie_grants_nothing(client, tags):
    client.cookies[consent.COOKIE] = '{"g": ["marketing_meta"]}'
    assert "data-meta" not in client.get("/").content.decode()


def test_the_consent_endpoint_needs_csrf_and_a_known_action(tags):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("privacy:consent"), {"action": "accept_all"}).status_code == 403
    assert Client().post(reverse("privacy:consent"), {"action": "everything"}).status_code == 400
    assert ConsentRecord.objects.count() == 0


def test_next_cannot_redirect_off_site(client, tags):
    response = decide(client, "reject_all", next_url="https://evil.example/")
    assert response.url == reverse("privacy:cookies")


def test_gpc_support_is_advertised(client):
    assert client.get("/.well-known/gpc.json").json() == {"gpc": True, "lastUpdate": "2026-11-25"}


def test_consent_records_cannot_be_updated_or_deleted_through_the_application(client, tags, learner):
    client.force_login(learner)
    decide(client, "accept_all")
    record = ConsentRecord.objects.get()
    record.granted = []
    with pytest.raises(TypeError, match="append-only"):
        record.save()
    with pytest.raises(TypeError, match="append-only"):
        record.delete()
    with pytest.raises(TypeError, match="append-only"):
        ConsentRecord.objects.filter(pk=record.pk).update(granted=[])
    with pytest.raises(TypeError, match="append-only"):
        ConsentRecord.objects.all().delete()
    assert ConsentRecord.objects.get().granted == sorted(consent.PURPOSES)


def test_a_members_decisions_are_listed_and_exported(client, tags, learner):
    client.force_login(learner)
    decide(client, "reject_all")
    assert "Rejected all" in client.get(reverse("privacy:settings")).content.decode()
    from preceptor.privacy.registry import export_user

    assert export_user(learner)["privacy"]["consent_records"][0]["action"] == "reject_all"


def test_the_privacy_settings_page_needs_a_signed_in_member(client):
    assert client.get(reverse("privacy:settings")).status_code == 302


def test_no_banner_when_the_server_uses_no_third_party_tag(client):
    assert 'class="consent-banner"' not in client.get("/").content.decode()
