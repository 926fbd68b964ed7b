"""Single sign-on for an organisation, end to end against local fake identity providers (no network): its own
OpenID Connect server (an allauth app in the database, as staff add it in the admin) and its SAML 2.0 identity
provider. A new member signs up through the provider (the sign-up form's age check still comes first) and holds a
seat at once when their address is at the organisation's domain; someone from another domain signs in seatless."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.accounts.tests.fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider
from preceptor.accounts.tests.social import provider_round_trip
from preceptor.billing.selectors import membership_for
from preceptor.teams.models import Membership
from preceptor.teams.tests.fake_saml import FakeSamlIdP

pytestmark = pytest.mark.django_db

SIGNUP = reverse("socialaccount_signup")


@pytest.fixture
def hospital_oidc(settings, organisation):
    """St Mary's own OpenID Connect server, configured as staff would: a social application in the admin whose id
    the organisation names."""
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    fake = FakeProvider().start()
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="st-marys",
        name="St Mary's sign-in",
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        settings={"server_url": fake.url, "oauth_pkce_enabled": True},
    )
    organisation.email_domain = "hospital.example"
    organisation.sso_provider = "st-marys"
    organisation.save()
    yield fake
    fake.stop()


def sign_up_through(client, login_url: str) -> User:
    response = provider_round_trip(client, login_url)
    assert response.status_code == 302 and response["Location"] == SIGNUP, response
    form = client.get(SIGNUP).context["form"]
    response = client.post(
        SIGNUP,
        {
            "full_name": form["full_name"].value(),
            "email": form["email"].value(),
            "date_of_birth": "1985-06-01",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_a_resident_signs_up_through_the_hospitals_server_and_holds_a_seat(client, hospital_oidc, organisation):
    login = reverse("openid_connect_login", kwargs={"provider_id": "st-marys"})
    assert "Continue with St Mary" in client.get(reverse("account_login")).content.decode()
    hospital_oidc.identity = {
        "sub": "hosp-42",
        "email": "rita.resident@hospital.example",
        "email_verified": True,
        "name": "Dr. Rita Resident",
    }
    user = sign_up_through(client, login)
    seat = Membership.objects.get(user=user)
    assert seat.organisation == organisation and not seat.shares_anything
    assert membership_for(user).is_pro
    # Signing in again changes nothing.
    client.post(reverse("account_logout"))
    assert provider_round_trip(client, login).status_code == 302
    assert Membership.objects.filter(user=user).count() == 1


def test_someone_from_another_domain_signs_in_without_a_seat(client, hospital_oidc):
    hospital_oidc.identity = {
        "sub": "ext-7",
        "email": "visiting@elsewhere.example",
        "email_verified": True,
        "name": "Dr. Val Visiting",
    }
    user = sign_up_through(client, reverse("openid_connect_login", kwargs={"provider_id": "st-marys"}))
    assert not Membership.objects.filter(user=user).exists()


def test_an_address_the_server_does_not_vouch_for_takes_no_seat(client, hospital_oidc):
    hospital_oidc.identity = {
        "sub": "hosp-43",
        "email": "una@hospital.example",
        "email_verified": False,
        "name": "Dr. Una Verified",
    }
    response = provider_round_trip(client, reverse("openid_connect_login", kwargs={"provider_id": "st-marys"}))
    assert response.status_code == 302 and response["Location"] == SIGNUP
    form = client.get(SIGNUP).context["form"]
    client.post(
        SIGNUP,
        {
            "full_name": form["full_name"].value(),
            "email": "una@hospital.example",
            "date_of_birth": "1985-06-01",
            "time_zone": "UTC",
        },
    )
    user = User.objects.get(email="una@hospital.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert not Membership.objects.filter(user=user).exists()


# --- SAML 2.0 ---------------------------------------------------------------------------------------------
@pytest.fixture
def hospital_saml(organisation):
    """St Mary's SAML identity provider: a social application (provider "saml"; its client id is the address
    segment /accounts/saml/<client id>/), named by the organisation."""
    idp = FakeSamlIdP()
    SocialApp.objects.create(
        provider="saml",
        provider_id="st-marys-saml",
        client_id="st-marys",
        name="St Mary's",
        settings=idp.app_settings(),
    )
    organisation.email_domain = "hospital.example"
    organisation.sso_provider = "st-marys-saml"
    organisation.save()
    return idp


def saml_round_trip(client, idp: FakeSamlIdP, *, signed_by: str = ""):
    """Our login view redirects to the IdP; the IdP posts its signed answer to our Assertion Consumer Service; the
    ACS hands over to allauth's finishing view. Returns the finishing view's response."""
    client.defaults["HTTP_HOST"] = "testserver"  # as every browser sends it (python3-saml reads the Host header)
    started = client.post(reverse("saml_login", kwargs={"organization_slug": "st-marys"}))
    assert started.status_code == 302, started
    request_id, acs_url, relay_state = idp.read_request(started["Location"])
    assert acs_url == "http://testserver" + reverse("saml_acs", kwargs={"organization_slug": "st-marys"})
    audience = "http://testserver" + reverse("saml_metadata", kwargs={"organization_slug": "st-marys"})
    answer = idp.response(request_id=request_id, acs_url=acs_url, audience=audience, signed_by=signed_by)
    posted = client.post(urlsplit(acs_url).path, {"SAMLResponse": answer, "RelayState": relay_state})
    assert posted.status_code == 302, posted
    return client.get(posted["Location"])


RITA = {
    "urn:oasis:names:tc:SAML:attribute:subject-id": "rita@hospital.example",
    "urn:oid:0.9.2342.19200300.100.1.3": "rita.saml@hospital.example",
    "http://schemas.auth0.com/email_verified": "true",
    "urn:oid:2.5.4.42": "Rita",
    "urn:oid:2.5.4.4": "Resident",
}


def test_a_resident_signs_up_through_the_hospitals_saml_idp_and_holds_a_seat(client, hospital_saml, organisation):
    page = client.get(reverse("account_login"))
    assert "Continue with St Mary" in page.content.decode()
    assert "https://idp.hospital.example" in page["Content-Security-Policy"], "the button's redirect is admitted"
    hospital_saml.attributes = RITA
    response = saml_round_trip(client, hospital_saml)
    assert response.status_code == 302 and response["Location"] == SIGNUP, response
    form = client.get(SIGNUP).context["form"]
    assert form["full_name"].value() == "Rita Resident"
    done = client.post(
        SIGNUP,
        {
            "full_name": "Dr. Rita Resident",
            "email": form["email"].value(),
            "date_of_birth": "1988-03-03",
            "time_zone": "Europe/Berlin",
        },
    )
    assert done.status_code == 302
    user = User.objects.get(email="rita.saml@hospital.example")
    assert Membership.objects.get(user=user).organisation == organisation
    assert membership_for(user).is_pro
    # Again, signed in at once.
    client.post(reverse("account_logout"))
    again = saml_round_trip(client, hospital_saml)
    assert again.status_code == 302 and again["Location"] == reverse("site:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_answer_signed_with_a_key_we_do_not_trust_signs_nobody_in(client, hospital_saml):
    hospital_saml.attributes = RITA
    response = saml_round_trip(client, hospital_saml, signed_by=hospital_saml.other_key)
    assert response.status_code == 401 and "_auth_user_id" not in client.session
    assert not User.objects.filter(email="rita.saml@hospital.example").exists()
    assert not Membership.objects.exclude(role="manager").exists()
