from dataclasses import replace

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.db import models
from django.test.utils import isolate_apps

from preceptor.accounts.models import User
from preceptor.privacy import registry
from preceptor.profiles.models import Profile


def test_every_model_with_personal_data_is_declared():
    assert registry.undeclared_models(apps.get_models()) == {}


def test_every_personal_field_of_a_declared_model_is_declared():
    assert registry.undeclared_fields() == {}


def test_a_personal_field_left_out_of_a_declaration_is_caught(monkeypatch):
    real = registry.registry()
    core = next(app for app in real if app.app_label == "core")
    audit = replace(core.declarations[0], fields=("action", "created_at"))  # not "actor" nor "subject"
    monkeypatch.setattr(registry, "registry", lambda: [replace(core, declarations=(audit,))])
    assert registry.undeclared_fields() == {"core.AuditEvent": ["actor", "subject"]}


@isolate_apps("preceptor.privacy")
def test_an_undeclared_model_with_personal_data_is_caught():
    class Note(models.Model):
        author = models.ForeignKey(User, on_delete=models.CASCADE)

    class Newsletter(models.Model):
        address = models.EmailField()

    class Visit(models.Model):
        ip = models.GenericIPAddressField()

    class Contact(models.Model):
        phone_number = models.CharField(max_length=20)
        last_name = models.CharField(max_length=20)

    class Specialty(models.Model):
        name = models.CharField(max_length=50)
        slug = models.SlugField()

    missing = registry.undeclared_models([Note, Newsletter, Visit, Contact, Specialty])
    assert missing == {
        "privacy.Note": ["author"],
        "privacy.Newsletter": ["address"],
        "privacy.Visit": ["ip"],
        "privacy.Contact": ["phone_number", "last_name"],
    }


def test_each_declaration_names_purpose_basis_retention_and_fields_that_exist():
    for app in registry.registry():
        for declaration in app.declarations:
            assert declaration.purpose and declaration.legal_basis and declaration.retention
            assert declaration.rules and declaration.purposes and declaration.bases, declaration.label
            assert declaration.erasure in ("delete", "pseudonymise", "keep")
            names = {f.name for f in declaration.model._meta.get_fields()}
            assert set(declaration.fields) <= names, declaration.label


@pytest.mark.django_db
def test_export_gathers_the_members_data_from_every_app(learner, outsider):
    data = registry.export_user(learner)
    assert data["accounts"]["account"]["email"] == learner.email
    assert data["accounts"]["email_addresses"] == [{"email": learner.email, "verified": True, "primary": True}]
    assert data["profiles"]["profile"]["handle"] == learner.profile.handle
    assert [e["action"] for e in data["core"]["audit_events"]] == ["account.created"]
    assert outsider.email not in str(data)


@pytest.mark.django_db
def test_erasure_removes_identity_and_profile_and_lists_what_was_kept(
    learner, outsider, django_capture_on_commit_callbacks
):
    email = learner.email
    with django_capture_on_commit_callbacks(execute=True):
        kept = registry.erase_user(learner)
    learner.refresh_from_db()
    assert learner.email.startswith("erased-") and learner.email.endswith("@invalid")
    assert learner.full_name == "Erased member"
    assert not learner.is_active
    assert not Profile.objects.filter(user=learner).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert authenticate(email=email, password="correct-horse-battery-staple") is None
    assert kept["core"] and "Audit events" in kept["core"][0]
    assert User.objects.get(pk=outsider.pk).full_name == "Otto Outsider"
