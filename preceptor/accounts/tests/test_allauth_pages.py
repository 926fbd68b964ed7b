"""Every allauth page a visitor or member opens is drawn by the site's own templates (house style, the site's
English wording and its German translation with "Sie"), never by allauth's: allauth's German catalogue says "du".
The messages allauth flashes ("You have signed out.") come from the site's templates too."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from preceptor.conftest import make_member

SITE_TEMPLATES = Path(settings.BASE_DIR) / "preceptor" / "templates"
VISITOR_PAGES = [
    reverse("account_login"),
    reverse("account_signup"),
    reverse("account_reset_password"),
    reverse("account_reset_password_done"),
    reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "spent-key"}),
    reverse("account_reset_password_from_key_done"),
    reverse("account_email_verification_sent"),
    reverse("account_inactive"),
    reverse("account_confirm_email", kwargs={"key": "unknown-key"}),
]
MEMBER_PAGES = [
    reverse("account_email"),
    reverse("account_change_password"),
    reverse("account_reauthenticate"),
    reverse("account_logout"),
    reverse("mfa_index"),
]


def _allauth_templates(response) -> list[str]:
    """The templates of the page that came from allauth's package instead of the site's folder."""
    return sorted(
        {
            template.origin.name
            for template in response.templates
            if template.origin and "allauth/templates" in str(template.origin.name)
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitors_allauth_page_uses_only_the_sites_templates(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert not _allauth_templates(response)
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_a_members_allauth_page_uses_only_the_sites_templates(path):
    client = Client()
    client.force_login(make_member("member@example.org", "Max Member"))
    response = client.get(path)
    assert response.status_code == 200, path
    assert not _allauth_templates(response)
    assert 'class="settings-nav"' in response.content.decode() or 'class="entrance-single card"' in (
        response.content.decode()
    )


def test_every_message_allauth_flashes_has_the_sites_own_template():
    import allauth

    theirs = Path(allauth.__file__).parent / "templates" / "account" / "messages"
    ours = SITE_TEMPLATES / "account" / "messages"
    missing = sorted(p.name for p in theirs.glob("*.txt") if not (ours / p.name).exists())
    assert not missing, f"allauth messages without the site's own wording: {missing}"


@pytest.mark.django_db
def test_signing_out_says_so_in_the_sites_words_in_german():
    client = Client()
    client.force_login(make_member("member@example.org", "Max Member"))
    response = client.post(reverse("account_logout"), follow=True, HTTP_ACCEPT_LANGUAGE="de")
    messages = [str(m) for m in response.context["messages"]]
    assert messages and not any(" du " in f" {m} " or "dich" in m for m in messages)
