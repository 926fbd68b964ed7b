"""The typed declarations and the processors register they name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from preceptor.core import processors
from preceptor.core.personal_data import Duration, LegalBasis, LegalHold, Period, UntilErasure
from preceptor.mail.privacy import PERSONAL_DATA as MAIL_DATA
from preceptor.privacy import registry


def _with_mail_declaration(monkeypatch, **changes):
    """The registry with the mail app's e-mail-event declaration changed."""
    real = registry.registry()

    def patched():
        return [
            replace(app, declarations=(replace(app.declarations[1], **changes),)) if app.app_label == "mail" else app
            for app in real
        ]

    monkeypatch.setattr(registry, "registry", patched)


def test_the_declarations_have_no_problems():
    assert registry.declaration_problems() == []


def test_a_declaration_without_retention_is_caught(monkeypatch):
    _with_mail_declaration(monkeypatch, rules=())
    assert registry.declaration_problems() == ["mail: mail.EmailEvent declares no retention rule"]


def test_an_unknown_recipient_a_lawless_hold_and_a_generic_shortening_are_caught(monkeypatch):
    hold = LegalHold(period=Period(amount=1, unit="years"), anchor="created_at")
    shorten = Duration(period=Period(amount=1, unit="days"), anchor="created_at", effect="shorten")
    _with_mail_declaration(monkeypatch, processors=("carrier-pigeon",), rules=(hold, shorten))
    problems = registry.declaration_problems()
    assert "mail: mail.EmailEvent names an unknown processor: carrier-pigeon" in problems
    assert any("a legal hold names no law" in p for p in problems)
    assert any("only an app purge can shorten" in p for p in problems)
    assert len(problems) == 3


def test_derived_texts_read_from_the_types(settings):
    settings.RETENTION_EMAIL_EVENTS_MONTHS = 6
    events = MAIL_DATA[1]
    assert events.legal_basis == "Consent (GDPR art. 6(1)(a))"
    assert events.retention == "6 months"
    assert MAIL_DATA[0].retention == UntilErasure().text == "Until erasure"
    assert LegalBasis.CONTRACT.article == "GDPR art. 6(1)(b)"


def test_every_processor_a_declaration_names_is_in_the_register():
    named = {key for app in registry.registry() for d in app.declarations for key in d.processors}
    assert named and named <= processors.KEYS


def test_processors_are_active_only_when_their_settings_are(settings):
    settings.DEBUG = False
    for name in ("STRIPE_SECRET_KEY", "PAYPAL_CLIENT_ID", "GA_MEASUREMENT_ID", "META_PIXEL_ID", "BBB_URL"):
        setattr(settings, name, "")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    keys = {p.key for p in processors.active_processors()}
    assert {"hosting", "joint_provider", "eaccme"} <= keys
    assert not keys & {"stripe", "paypal", "google_analytics", "meta", "bigbluebutton", "email"}

    settings.STRIPE_SECRET_KEY = "sk_test_1"
    settings.GA_MEASUREMENT_ID = "G-1"
    settings.BBB_URL = "https://bbb.example.org/bigbluebutton"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "smtp.mailer.example"
    active = {p.key: p for p in processors.active_processors()}
    assert {"stripe", "google_analytics", "bigbluebutton", "email"} <= set(active)
    assert "paypal" not in active and "meta" not in active
    assert active["email"].name == "E-mail delivery provider (smtp.mailer.example)"
    assert active["bigbluebutton"].name == "BigBlueButton server (bbb.example.org)"


def test_a_demo_server_lists_the_payment_and_email_providers_production_has(settings):
    settings.DEBUG, settings.BILLING_DEMO = True, True
    settings.STRIPE_SECRET_KEY = settings.PAYPAL_CLIENT_ID = settings.HOTJAR_SITE_ID = ""
    keys = {p.key for p in processors.active_processors()}
    assert {"stripe", "paypal", "email"} <= keys and "hotjar" not in keys


def test_the_operator_completes_an_entry_in_settings(settings):
    settings.HOSTING_PROVIDER = "Hetzner Online GmbH"
    settings.PRIVACY_PROCESSORS = (
        '{"hosting": {"country": "Finland", "dpa_date": "2025-01-15", "contact": "dpo@example.org",'
        ' "safeguard": "eea"}}'
    )
    hosting = processors.processor("hosting")
    assert (hosting.name, hosting.country, hosting.dpa_date, hosting.contact) == (
        "Hetzner Online GmbH",
        "Finland",
        date(2025, 1, 15),
        "dpo@example.org",
    )


@pytest.mark.parametrize(
    "value",
    ["{not json", '{"nobody": {"name": "X"}}', '{"hosting": {"colour": "blue"}}', '{"hosting": "Hetzner"}'],
)
def test_a_wrong_override_stops_with_a_clear_error(settings, value):
    settings.PRIVACY_PROCESSORS = value
    with pytest.raises(ImproperlyConfigured, match="PRIVACY_PROCESSORS"):
        processors.register()
