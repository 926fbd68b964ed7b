"""Sign-up shows every error on the first submit, and keeps the browser's time zone (checked) for the member."""

import pytest
from django.urls import reverse

from preceptor.accounts.forms import AccountForm, SignupForm
from preceptor.accounts.models import User

pytestmark = pytest.mark.django_db
GOOD = {
    "full_name": "Ada Young",
    "email": "young.doctor@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "date_of_birth": "1990-01-01",
}


def signup(client, **overrides):
    return client.post(reverse("account_signup"), {**GOOD, **overrides})


def test_every_field_error_is_shown_on_the_first_submit(client):
    response = signup(client, full_name="", email="not-an-address", password1="short", date_of_birth="")
    assert set(response.context["form"].errors) == {"full_name", "email", "password1", "date_of_birth"}
    html = response.content.decode()
    assert "Enter a valid email address." in html and "too short" in html and html.count("This field is required") == 2


def test_a_password_like_the_address_is_refused_while_the_address_itself_is_wrong(client):
    """Before, "too similar" appeared only on the second submit, once the address was fixed."""
    response = signup(client, email="youngdoctor@example", password1="youngdoctor@example")
    errors = response.context["form"].errors
    assert "email" in errors
    assert any("too similar" in e for e in errors["password1"])


def test_a_password_like_the_name_is_refused_together_with_its_other_errors(client):
    response = signup(client, full_name="Adalbert Youngfellow", password1="Youngfel")
    messages = response.context["form"].errors["password1"]
    assert any("too similar" in e for e in messages) and any("too short" in e for e in messages)


def test_a_similar_password_is_reported_once(client):
    response = signup(client, email="adalbert.young@example.org", password1="adalbert.young@example.org")
    messages = response.context["form"].errors["password1"]
    assert sum("too similar" in e for e in messages) == 1


def test_under_age_still_refuses_before_anything_else(client):
    response = signup(client, email="bad", password1="short", date_of_birth="2024-01-01")
    assert set(response.context["form"].errors) == {"date_of_birth"}


# --- Time zone ------------------------------------------------------------------------------------------------
def test_the_sign_up_page_carries_the_hidden_time_zone_field_and_its_script(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'type="hidden" name="time_zone"' in html and "data-detect-time-zone" in html
    assert "js/time-zone.js" in html
    assert "<script>" not in html  # the CSP allows no inline script


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Europe/Vienna", "Europe/Vienna"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Mars/Olympus_Mons", "UTC"),
        ("", "UTC"),
        ("../../etc/passwd", "UTC"),
    ],
)
def test_the_browsers_time_zone_is_kept_when_it_is_a_real_zone(client, sent, kept):
    response = signup(client, time_zone=sent)
    assert response.status_code == 302
    assert User.objects.get(email=GOOD["email"]).time_zone == kept


def test_an_unknown_time_zone_is_no_error_for_the_visitor():
    form = SignupForm(data={**GOOD, "time_zone": "Not/A_Zone"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["time_zone"] == "UTC"


def test_the_account_page_offers_the_browsers_zone_and_a_member_can_change_it(client, learner):
    client.force_login(learner)
    html = client.get(reverse("accounts:account")).content.decode()
    assert 'name="time_zone"' in html and "data-detect-time-zone" in html and "js/time-zone.js" in html
    response = client.post(
        reverse("accounts:account"), {"full_name": learner.full_name, "phone": "", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.time_zone == "Asia/Tokyo"


def test_the_account_form_refuses_a_zone_it_does_not_list(learner):
    form = AccountForm(data={"full_name": learner.full_name, "phone": "", "time_zone": "Mars/Olympus_Mons"})
    assert not form.is_valid() and "time_zone" in form.errors
