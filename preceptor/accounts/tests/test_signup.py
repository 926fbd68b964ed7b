import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.core.models import AuditEvent
from preceptor.profiles.models import Profile, Visibility

TODAY = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
EMAIL = "young.doctor@example.org"


def signup(client, **overrides):
    data = {
        "full_name": "Ada Young",
        "email": EMAIL,
        "password1": "a-long-and-unusual-passphrase",
        "date_of_birth": "1990-01-01",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_the_day_before_the_13th_birthday_is_refused_and_nothing_is_stored_or_sent(
    client, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with (
        time_machine.travel(TODAY, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = signup(client, date_of_birth="2013-06-16")

    assert response.status_code == 200
    assert "You must be at least 13 years old" in response.content.decode()
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0
    assert Profile.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []
    assert EMAIL not in caplog.text


@pytest.mark.django_db
def test_the_13th_birthday_itself_is_accepted_and_only_the_time_of_the_check_is_kept(
    client, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = signup(client, date_of_birth="2013-06-15")

    assert response.status_code == 302
    user = User.objects.get(email=EMAIL)
    assert user.age_verified_at == TODAY
    field_names = {f.name for model in (User, Profile) for f in model._meta.get_fields()}
    assert not {name for name in field_names if "birth" in name}
    assert "2013-06-15" not in str(vars(user))


@pytest.mark.django_db
def test_a_new_account_starts_the_trial_with_a_private_profile_and_a_verification_email(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TRIAL_DAYS = 7
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        signup(client, full_name="  Ada   Young ")

    user = User.objects.get(email=EMAIL)
    assert user.full_name == "Ada Young"
    assert user.trial_ends_at == TODAY + timedelta(days=7)
    assert user.phone == ""
    profile = user.profile
    assert profile.handle == "ada-young"
    assert {profile.visibility_of(name) for name in Profile.SHOWN_FIELDS} == {Visibility.PRIVATE}
    assert AuditEvent.objects.filter(action="account.created", subject=user).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [EMAIL]
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "This field is required."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"password1": "short"}, "password1", "at least 10 characters"),
        ({"date_of_birth": "2030-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "yesterday"}, "date_of_birth", "Enter a valid date."),
    ],
)
def test_sign_up_explains_each_invalid_field(client, overrides, field, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_signing_up_twice_with_one_address_does_not_create_a_second_account(
    client, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, email=learner.email.upper())
    assert User.objects.filter(email__iexact=learner.email).count() == 1


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(client, settings, django_capture_on_commit_callbacks):
    from preceptor.config import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    assert User.objects.get(email=EMAIL).password.startswith("argon2$argon2id$")
