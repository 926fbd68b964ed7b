"""Two-factor sign-in (allauth.mfa): optional for members, required for staff on /staff/ and /admin/ when
``STAFF_REQUIRE_MFA`` is on; /admin/login/ goes through the site's sign-in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import os
import re
import struct
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.messages import get_messages
from django.urls import reverse

from preceptor.conftest import PASSWORD

LOGIN = reverse("account_login")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a fixed base32 secret, as an authenticator app would hold it
NOON = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)  # 10 s into a 30-second step: codes stay valid while frozen


def totp(secret: str, at: float) -> str:
    """RFC 6238 (SHA-1, 30-second steps, 6 digits), written out so the test does not trust allauth's own."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def now_code(secret: str = SECRET) -> str:
    return totp(secret, datetime.now(tz=UTC).timestamp())


def with_authenticator(user) -> list[str]:
    """Give ``user`` an authenticator app on SECRET and recovery codes; returns the recovery codes."""
    TOTP.activate(user, SECRET)
    return RecoveryCodes.activate(user).get_unused_codes()


def sign_in(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Members: optional --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_member_turns_on_an_authenticator_app_with_a_code_computed_from_the_shown_secret(client, learner, clock):
    sign_in(client, learner)
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()

    # Turning it on first asks for the password again (allauth's reauthentication).
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    setup = client.get(reverse("mfa_activate_totp"))
    content = setup.content.decode()
    assert setup.status_code == 200
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', content)
    assert "<script" not in content.split('<main id="main"')[1]  # nothing inline for the CSP to block
    secret = html.unescape(re.search(r'id="authenticator-secret">([A-Z2-7=]+)<', content).group(1))

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if now_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=learner).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": now_code(secret)})
    assert done.status_code == 302
    assert done.url == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=learner).values_list("type", flat=True)) == {"totp", "recovery_codes"}

    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", codes)) == 10
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert "On: sign-in asks for a code" in client.get(reverse("accounts:account")).content.decode()
    overview = client.get(reverse("mfa_index")).content.decode()
    assert "10 of 10 recovery codes left" in overview
    assert reverse("mfa_deactivate_totp") in overview
    assert "Turn off two-factor sign-in" in client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert "Make new recovery codes" in client.get(reverse("mfa_generate_recovery_codes")).content.decode()


@pytest.mark.django_db
def test_the_two_factor_pages_need_a_signed_in_member(client):
    for name in ("mfa_index", "mfa_activate_totp", "mfa_view_recovery_codes", "mfa_reauthenticate"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(LOGIN), name


@pytest.mark.django_db
def test_a_member_with_an_authenticator_is_asked_for_the_code_and_a_wrong_one_is_refused(client, learner, clock):
    with_authenticator(learner)

    response = sign_in(client, learner)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456" if now_code() != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert signed_in_user_id(client) is None

    right = client.post(reverse("mfa_authenticate"), {"code": now_code()})
    assert right.status_code == 302
    assert signed_in_user_id(client) == str(learner.pk)


@pytest.mark.django_db
def test_guessing_codes_is_throttled_after_five_wrong_ones_even_for_the_right_code(client, learner, clock):
    with_authenticator(learner)
    sign_in(client, learner)
    wrong = "123456" if now_code() != "123456" else "654321"
    for _ in range(5):
        assert "Incorrect code." in client.post(reverse("mfa_authenticate"), {"code": wrong}).content.decode()

    blocked = client.post(reverse("mfa_authenticate"), {"code": now_code()})
    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_and_not_twice(client, learner, clock):
    code = with_authenticator(learner)[0]

    sign_in(client, learner)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in_user_id(client) == str(learner.pk)

    client.post(reverse("account_logout"))
    sign_in(client, learner)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_a_member_without_an_authenticator_signs_in_with_the_password_alone_even_with_the_staff_rule_on(
    client, learner, settings
):
    settings.STAFF_REQUIRE_MFA = True
    response = sign_in(client, learner)
    assert response.status_code == 302
    assert response.url == reverse("site:home")
    assert signed_in_user_id(client) == str(learner.pk)
    assert "Turn on" in client.get(reverse("accounts:account")).content.decode()


@pytest.mark.django_db
def test_a_member_is_never_sent_to_two_factor_set_up_from_staff_paths(client, learner, settings):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(learner)
    for path in ("/staff/", "/admin/"):
        response = client.get(path)
        assert not response.get("Location", "").startswith("/accounts/2fa/"), path


# --- Staff: required when STAFF_REQUIRE_MFA is on -------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/admin/accounts/user/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up_and_told_why(client, staff, settings, path):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert messages_of(response) == ["Staff pages need two-factor sign-in. Set up an authenticator app to continue."]


@pytest.mark.django_db
def test_a_post_to_a_staff_page_without_the_second_factor_changes_nothing(client, staff, learner, settings):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff)
    response = client.post(f"/admin/accounts/user/{learner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    learner.refresh_from_db()
    assert learner.is_active


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/staff/", "/admin/"])
def test_staff_whose_session_skipped_the_code_are_asked_for_it_and_then_return(client, staff, settings, clock, path):
    settings.STAFF_REQUIRE_MFA = True
    with_authenticator(staff)
    client.force_login(staff)  # signed in without the second factor (e.g. before the authenticator was added)

    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == reverse("mfa_reauthenticate")
    assert parse_qs(location.query) == {"next": [path]}
    assert messages_of(response) == ["Staff pages need a code from your authenticator app for this sign-in."]

    wrong = client.post(response.url, {"code": "000000" if now_code() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert client.get(path).status_code == 302

    right = client.post(response.url, {"code": now_code()})
    assert right.status_code == 302
    assert right.url == path
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_staff_who_signed_in_with_their_code_open_staff_pages_and_the_admin(client, staff, settings, clock):
    settings.STAFF_REQUIRE_MFA = True
    with_authenticator(staff)
    sign_in(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": now_code()})
    assert signed_in_user_id(client) == str(staff.pk)
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_with_the_setting_off_staff_without_an_authenticator_open_staff_pages_and_the_admin(client, staff, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(staff)
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "True"),  # production: on unless switched off
        ({"DEBUG": "1"}, "False"),  # the demo (make run): off, so staff@example.com opens /staff/ at once
        ({"DEBUG": "1", "STAFF_REQUIRE_MFA": "1"}, "True"),
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "STAFF_REQUIRE_MFA": "off"}, "False"),
    ],
)
def test_staff_require_mfa_defaults_to_on_without_debug_and_follows_the_environment(environment, expected):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "STAFF_REQUIRE_MFA"}}
    env.update(environment, DJANGO_SETTINGS_MODULE="preceptor.config.settings")
    script = "import django; django.setup(); from django.conf import settings; print(settings.STAFF_REQUIRE_MFA)"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == expected


# --- /admin/login/ is the site's sign-in -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_admin_login_redirects_to_the_site_sign_in_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert location.path == LOGIN
    assert parse_qs(location.query) == {"next": ["/admin/accounts/user/"]}

    bare = urlsplit(client.get("/admin/login/").url)
    assert (bare.path, parse_qs(bare.query)) == (LOGIN, {"next": ["/admin/"]})

    hostile = urlsplit(client.get("/admin/login/?next=https://evil.example/").url)
    assert parse_qs(hostile.query) == {"next": ["/admin/"]}


@pytest.mark.django_db
def test_opening_the_admin_signed_out_ends_at_the_site_sign_in_with_next_admin(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert 'name="next" value="/admin/"' in response.content.decode()


@pytest.mark.django_db
def test_posting_credentials_to_the_admin_login_signs_nobody_in(client, staff):
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 405
    assert signed_in_user_id(client) is None
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_the_admin_login_sends_signed_in_staff_on_and_refuses_members(client, staff, learner):
    client.force_login(staff)
    response = client.get("/admin/login/?next=/admin/accounts/")
    assert (response.status_code, response.url) == (302, "/admin/accounts/")

    client.force_login(learner)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.django_db
def test_staff_sign_in_through_the_admin_asks_for_the_code_then_opens_the_admin(client, staff, settings, clock):
    settings.STAFF_REQUIRE_MFA = True
    with_authenticator(staff)
    login_page = client.get("/admin/login/?next=/admin/")
    response = client.post(login_page.url, {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    done = client.post(reverse("mfa_authenticate"), {"code": now_code()})
    assert done.url == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- Export and erasure -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_export_lists_authenticators_without_their_secrets_and_erasure_removes_them(learner):
    from preceptor.accounts.privacy import erase_user, export_user

    codes = with_authenticator(learner)
    exported = export_user(learner)
    assert {entry["type"] for entry in exported["authenticators"]} == {"totp", "recovery_codes"}
    assert SECRET not in str(exported)
    assert codes[0] not in str(exported)
    erase_user(learner)
    assert not Authenticator.objects.filter(user=learner).exists()
