"""The published privacy policy and the record of processing are generated from the declarations."""

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from preceptor.conftest import make_staff
from preceptor.core.processors import active_processors
from preceptor.privacy import consent, policy, registry
from preceptor.privacy.models import PolicyVersion
from preceptor.privacy.services import policy_version_create

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The visible text of ``html``: tags dropped, entities decoded, runs of white space as one space."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_every_purpose_recipient_and_period_in_the_declarations_appears_in_the_policy():
    shown = text_of(policy.policy_render(language="en"))
    active = {p.key: p for p in active_processors()}
    declarations = [d for app in registry.registry() for d in app.declarations]
    assert len(declarations) > 20
    missing = []
    for d in declarations:
        expected = [str(p.label) for p in d.purposes] + [str(b.label) for b in d.bases] + [d.purpose, d.basis_note]
        expected += [rule.text for rule in d.rules]
        expected += [str(a.label) for a in d.audiences] + [active[k].name for k in d.processors if k in active]
        missing += [f"{d.label}: {text}" for text in expected if text_of(text) not in shown]
    assert not missing, "not in the rendered policy:\n" + "\n".join(missing)
    for p in active.values():  # every party this configuration uses, with country and safeguard
        assert p.name in shown and p.country in shown and str(p.safeguard.label) in shown


def test_only_the_processors_this_configuration_uses_are_named(settings):
    settings.GA_MEASUREMENT_ID = ""
    assert "Google Analytics" not in text_of(policy.policy_render(language="en"))
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    shown = text_of(policy.policy_render(language="en"))
    assert "Google Ireland Limited (Google Analytics)" in shown
    assert "_ga, _ga_*" in shown and "2 years" in shown


def test_the_cookie_table_lists_the_necessary_cookies_and_those_of_each_offered_purpose(settings):
    settings.HOTJAR_SITE_ID = ""
    settings.META_PIXEL_ID = "123"
    rows = {row["name"]: row for row in policy.cookie_rows()}
    for name in (
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        consent.COOKIE,
        settings.LANGUAGE_COOKIE_NAME,
    ):
        assert rows[name]["necessary"] and rows[name]["provider"] == settings.SITE_NAME
    assert rows[settings.CSRF_COOKIE_NAME]["lifetime"] == "1 year"
    assert rows[consent.COOKIE]["lifetime"] == "180 days"
    assert rows["_fbp"]["provider"].startswith("Meta") and not rows["_fbp"]["necessary"]
    assert "_hjSession_*" not in rows  # Hotjar is not configured here, so it sets nothing


def test_every_consent_purpose_says_who_sets_its_cookies_and_for_how_long():
    assert set(policy.COOKIE_DETAILS) == set(consent.PURPOSES)


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_policy_promises_nothing_preceptor_lacks(language, settings):
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    shown = text_of(policy.policy_render(language=language)).lower()
    # The magazine exists since decision 0037; the contact form since the support desk (issue 16).
    for phrase in ("add-on", "facebook avatar", "blog"):
        assert phrase not in shown


def test_publishing_stores_the_policy_in_each_language_and_the_old_text_stays_in_the_history(client, staff):
    published = policy_version_create(
        effective_on=timezone.localdate(),
        material=False,
        summary="Generated from the declarations.",
        prose={"controller": {"en": "Our data protection officer reads every message.", "de": ""}},
        actor=staff,
    )
    assert set(published.rendered) == {"en", "de"}
    assert published.declarations_hash == policy.declarations_hash()
    page = client.get(reverse("privacy:policy")).content.decode()
    assert "Our data protection officer reads every message." in page
    assert "Who receives your data" in page and "Cookies" in page
    assert f"Last modified: {timezone.localdate():%Y-%m-%d}" in page
    assert "add-on" not in page
    # The 2017 text is an earlier version, still readable.
    assert "2017-06-20" in page
    old = client.get(reverse("privacy:policy_version", args=["2017-06-20"])).content.decode()
    assert "An earlier version." in old and "at least 13 years old" in old
    # A second version on the same day gets its own address.
    again = policy_version_create(effective_on=timezone.localdate(), material=False, summary="x", prose={}, actor=staff)
    assert again.version == f"{timezone.localdate():%Y-%m-%d}-2"


def test_a_published_version_keeps_its_text_when_the_declarations_change(client, staff, monkeypatch):
    policy_version_create(effective_on=timezone.localdate(), material=False, summary="x", prose={}, actor=staff)
    change_a_declaration(monkeypatch, "Reading the stars for you.")
    assert "Reading the stars for you." in policy.policy_render(language="en")
    assert "Reading the stars for you." not in client.get(reverse("privacy:policy")).content.decode()


def change_a_declaration(monkeypatch, purpose: str) -> None:
    apps = registry.registry()
    first = apps[0]
    changed = replace(first, declarations=(replace(first.declarations[0], purpose=purpose), *first.declarations[1:]))
    monkeypatch.setattr(registry, "registry", lambda: [changed, *apps[1:]])


def test_a_change_to_the_declarations_asks_staff_to_review_and_publish(client, staff, monkeypatch):
    notice = "The declarations changed since the published version of the privacy policy"
    client.force_login(staff)
    # The 2017 text was generated from nothing: the back office asks for a generated version.
    assert notice in client.get(reverse("privacy:staff_record")).content.decode()
    assert notice in client.get(reverse("site:staff")).content.decode()
    policy_version_create(effective_on=timezone.localdate(), material=False, summary="x", prose={}, actor=staff)
    assert notice not in client.get(reverse("privacy:staff_record")).content.decode()
    assert notice not in client.get(reverse("site:staff")).content.decode()
    change_a_declaration(monkeypatch, "A purpose nobody has published yet.")
    assert notice in client.get(reverse("privacy:staff_record")).content.decode()
    assert notice in client.get(reverse("site:staff")).content.decode()
    assert "A purpose nobody has published yet." in client.get(reverse("privacy:staff_policy")).content.decode()


def test_staff_publish_a_new_version_from_the_back_office(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    today = timezone.localdate()
    form = {"effective_on": today.isoformat(), "summary": "Names every processor.", "material": "on"}
    form["prose_rights_en"] = "Write to our data protection officer at any time."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:staff_policy"), form)
    assert response.status_code == 302
    published = PolicyVersion.objects.get(version=today.isoformat())
    assert published.material and published.prose == {
        "rights": {"en": "Write to our data protection officer at any time."}
    }
    assert "Write to our data protection officer at any time." in published.rendered["en"]
    assert "Write to our data protection officer at any time." in published.rendered["de"]  # English until translated
    assert any("updated our privacy policy" in m.subject for m in mailoutbox)


def test_a_version_cannot_take_effect_in_the_past_and_the_form_says_why(client, staff):
    client.force_login(staff)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(reverse("privacy:staff_policy"), {"effective_on": yesterday.isoformat(), "summary": "x"})
    assert response.status_code == 200
    assert "cannot take effect in the past" in response.content.decode()
    assert not PolicyVersion.objects.filter(effective_on=yesterday).exists()


def test_the_privacy_officer_publishes_and_a_role_that_only_reads_the_record_does_not(client, staff_in):
    officer = staff_in("Privacy officer")
    client.force_login(officer)
    page = client.get(reverse("privacy:staff_policy"))
    assert page.status_code == 200 and "Publish this version" in page.content.decode()
    reader = make_staff("record-reader@example.org", "Rita Reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_processing_record"))
    client.force_login(reader)
    page = client.get(reverse("privacy:staff_policy"))
    assert page.status_code == 200 and "Publish this version" not in page.content.decode()
    denied = client.post(reverse("privacy:staff_policy"), {"effective_on": date.today().isoformat(), "summary": "x"})
    assert denied.status_code == 403
    assert not PolicyVersion.objects.exclude(version="2017-06-20").exists()


@pytest.mark.parametrize("who", ["learner", "teacher", "staff_without_permissions"])
def test_members_and_staff_without_the_permission_cannot_open_the_draft(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("privacy:staff_policy")).status_code == 403


def test_the_record_of_processing_is_printed_as_text_and_as_json(capsys):
    call_command("privacy_record", "--format", "json")
    record = json.loads(capsys.readouterr().out)
    declared = {d.label for app in registry.registry() for d in app.declarations}
    assert {a["data"] for a in record["activities"]} == declared
    assert all(a["purposes"] and a["legal_basis"] and a["retention"] for a in record["activities"])
    assert {"stripe", "paypal", "email", "hosting"} <= {p["key"] for p in record["processors"]}
    assert all(p["country"] and p["safeguard"] for p in record["processors"])
    call_command("privacy_record")
    text = capsys.readouterr().out
    assert "| billing.Receipt |" in text and "## Processors and other recipients" in text
    assert "Stripe Payments Europe, Ltd." in text
