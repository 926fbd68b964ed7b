"""Export (ZIP with checksums, every declared field) and erasure (nothing left that names the member; kept
records pseudonymised; replay after a restore erases again)."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail, serializers
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.providers import registry as providers
from preceptor.billing.services import demo_checkout_complete, prices_ensure
from preceptor.catalog.models import Lesson
from preceptor.conftest import PASSWORD
from preceptor.privacy import registry
from preceptor.privacy.models import DataRequest, ErasureLog
from preceptor.privacy.services import disclosures_record, due_erasures_perform
from preceptor.profiles.services import profile_update
from preceptor.quizzes.models import Quiz
from preceptor.quizzes.services import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db
EMAIL, NAME = "learner@example.org", "Lena Learner"


@pytest.fixture
def busy_member(client, settings, learner, course, staff):
    """A member with data in every app: profile, learning, quiz, payment, consent, disclosure, audit."""
    settings.DEBUG = True
    settings.GA_MEASUREMENT_ID = "G-TEST"
    profile_update(profile=learner.profile, actor=learner, changes={"bio": f"I am {NAME}.", "location": "Graz"})
    client.force_login(learner)
    client.get(Lesson.objects.get(slug="twelve-leads").get_absolute_url())
    client.post(reverse("catalog:complete", args=[course.slug, "rate-and-rhythm"]))
    attempt = attempt_start(user=learner, quiz=Quiz.objects.get())
    attempt_submit(attempt=attempt, answers={})
    demo_checkout_complete(
        provider=providers.get("demo"), user=learner, price={p.interval: p for p in prices_ensure()}["month"]
    )
    client.post(reverse("privacy:consent"), {"action": "reject_all", "next": "/"})
    disclosures_record(
        users=[learner],
        recipient="CME Consultants (joint provider)",
        recipient_role="controller",
        data_categories="name, quiz scores, credits",
        purpose="AMA PRA credit reporting",
        legal_basis="Contract",
    )
    _cme_records(learner, course)
    _class_records(learner, staff)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(learner),
        object_id=str(learner.pk),
        object_repr=str(learner),
        action_flag=CHANGE,
    )
    return learner


def _cme_records(learner, course) -> None:
    """A claim with its certificate, an evaluation that names the member, PARS identity and a PARS record."""
    from preceptor.cme.models import Claim, LearnerIdentity, ParsRecord, Provider, RequirementStatus
    from preceptor.cme.services import evaluation_submit
    from preceptor.cme.tests.conftest import make_activity

    activity = make_activity(
        course, Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    )
    evaluation_submit(
        user=learner, activity=activity, answers={"1": {"question": "Comments", "value": f"Thanks from {NAME}"}}
    )
    LearnerIdentity.objects.create(
        user=learner,
        first_name="Lena",
        last_name="Learner",
        birth_month=1,
        birth_day=2,
        npi="1234567893",
        pars_consent_at=timezone.now(),
    )
    claim = Claim.objects.create(
        user=learner,
        activity=activity,
        credit_type="participation",
        claimed_credits=1,
        minutes=60,
        completed_at=timezone.now(),
        learner_name=NAME,
        learner_profession="nurse",
        quiz_score=80,
    )
    RequirementStatus.objects.create(
        user=learner,
        activity=activity,
        credit_type="participation",
        requirement="evaluation",
        satisfied=True,
        checked_at=timezone.now(),
    )
    ParsRecord.objects.create(
        claim=claim,
        action="add",
        year=2026,
        fingerprint="x",
        batch="b",
        exported_at=timezone.now(),
        record={"Member": {"Name": {"GivenName": "Lena", "FamilyName": "Learner"}}, "NPI": "1234567893"},
    )


def _class_records(learner, staff) -> None:
    """A class registration with attendance, and a roster view that disclosed the member to the teacher."""
    from preceptor.classes.models import Attendance, LiveClass, Registration, Teacher

    teacher = Teacher.objects.create(user=staff, slug="sam", display_name="Sam Staff")
    live_class = LiveClass.objects.create(
        title="Clinic", slug="clinic", description="d", starts_at=timezone.now(), duration_minutes=30, capacity=5
    )
    live_class.teachers.add(teacher)
    registration = Registration.objects.create(live_class=live_class, user=learner, status="registered")
    Attendance.objects.create(registration=registration, joined_at=timezone.now(), left_at=timezone.now())


def keys(data) -> set[str]:
    found = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(key)
            found |= keys(value)
    elif isinstance(data, list):
        for item in data:
            found |= keys(item)
    return found


def test_the_export_zip_opens_its_checksums_verify_and_it_holds_every_declared_field(client, busy_member):
    response = client.post(reverse("privacy:data"), {"action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["schema_version"] == 2
    assert set(manifest["files"]) == set(archive.namelist()) - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert NAME in archive.read("index.html").decode()

    for app in registry.registry():
        content = json.loads(archive.read(f"{app.app_label}.json"))
        present = keys(content)
        for declaration in app.declarations:
            user_fields = [
                f
                for f in declaration.model._meta.get_fields()
                if getattr(f, "related_model", None) is type(busy_member) and f.concrete
            ]
            owned = declaration.model.objects.all() if declaration.model is type(busy_member) else None
            if user_fields:
                owned = declaration.model.objects.filter(**{user_fields[0].name: busy_member})
            if declaration.label == "admin.LogEntry":
                owned = LogEntry.objects.filter(object_id=str(busy_member.pk))
            if owned is None or not owned.exists():
                continue
            missing = set(declaration.fields) - present
            assert not missing, f"{declaration.label}: {missing} not in {app.app_label}.json"
    assert DataRequest.objects.get(user=busy_member, kind="export").status == "complete"


def text_columns():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model, field


def rows_mentioning(needle: str) -> list[str]:
    found = []
    for model, field in text_columns():
        queryset = model._base_manager.all()
        if isinstance(field, models.JSONField):
            queryset = queryset.annotate(_text=Cast(field.name, models.TextField()))
            lookup = "_text__icontains"
        else:
            lookup = f"{field.name}__icontains"
        if queryset.filter(**{lookup: needle}).exists():
            found.append(f"{model._meta.label}.{field.name}")
    return found


def test_erasure_keeps_cme_credit_records_under_a_pseudonym(client, busy_member):
    from preceptor.cme.models import Claim, LearnerIdentity, ParsRecord
    from preceptor.privacy.services import erasure_perform, erasure_request

    erasure_perform(request=erasure_request(user=busy_member))
    claim = Claim.objects.get()
    assert claim.learner_name == "Erased member" and claim.claimed_credits == 1
    assert not LearnerIdentity.objects.exists()
    assert "1234567893" not in json.dumps(ParsRecord.objects.get().record)
    assert Client().get(f"/certificates/{claim.certificate_id}/").status_code == 200


def test_erasure_after_the_cool_off_leaves_nothing_that_names_the_member_and_lists_what_was_kept(
    client, busy_member, django_capture_on_commit_callbacks
):
    assert rows_mentioning(EMAIL) and rows_mentioning(NAME)  # the scan finds them before
    # Deleting asks for the password again through allauth's re-authentication, not a form field.
    asked = client.post(reverse("privacy:data"), {"action": "erase", "confirm": "on"})
    assert asked.url == f"{reverse('account_reauthenticate')}?next=%2Fsettings%2Fdata%2F"
    bad = client.post(asked.url, {"password": "wrong"})
    assert bad.status_code == 200 and "_auth_user_id" in client.session
    assert not DataRequest.objects.filter(kind="erasure").exists()
    other_device = Client()
    other_device.force_login(busy_member)
    response = client.post(asked.url, {"password": PASSWORD})  # allauth then replays the confirmed request
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert other_device.get(reverse("privacy:data")).status_code == 302  # signed out everywhere
    request = DataRequest.objects.get(kind="erasure")
    assert request.status == "pending" and request.due_at > request.scheduled_for
    assert due_erasures_perform() == 0  # the cool-off runs for 7 days

    with (
        time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert due_erasures_perform() == 1
    request.refresh_from_db()
    assert request.status == "complete"
    kept = " ".join(line for lines in request.answer["kept"].values() for line in lines)
    assert "Receipts" in kept and "Quiz attempts" in kept and "Consent records" in kept and "CME credit" in kept
    assert rows_mentioning(EMAIL) == []
    assert rows_mentioning(NAME) == []
    busy_member.refresh_from_db()
    assert busy_member.email.startswith("erased-") and not busy_member.is_active
    assert ErasureLog.objects.count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup = Client().post(
            reverse("account_signup"),
            {
                "full_name": "Lena Again",
                "email": EMAIL,
                "password1": "another-long-passphrase",
                "date_of_birth": "1990-01-01",
            },
        )
    # The page answers as for any sign-up (no enumeration); the explanation goes to the address.
    assert signup.status_code == 302 and signup.url == reverse("account_email_verification_sent")
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    [explanation] = mail.outbox
    assert explanation.to == [EMAIL] and "deleted at its owner's request" in explanation.body


def test_a_pending_erasure_can_be_cancelled(client, busy_member):
    asked = client.post(reverse("privacy:data"), {"action": "erase", "confirm": "on"})
    client.post(asked.url, {"password": PASSWORD})
    client.force_login(busy_member)  # signing in again is how the member cancels
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Keep my account" in page
    client.post(reverse("privacy:data"), {"action": "cancel"})
    assert DataRequest.objects.get(kind="erasure").status == "cancelled"
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert due_erasures_perform() == 0


def test_replaying_the_erasure_log_after_restoring_a_backup_erases_again(busy_member):
    from preceptor.accounts.models import User
    from preceptor.profiles.models import Profile

    backup = serializers.serialize(
        "json", [*User.objects.filter(pk=busy_member.pk), *Profile.objects.filter(user=busy_member)]
    )
    request = DataRequest.objects.create(
        user=busy_member,
        kind="erasure",
        received_at=timezone.now(),
        due_at=timezone.now(),
        scheduled_for=timezone.now(),
    )
    assert due_erasures_perform() == 1
    for restored in serializers.deserialize("json", backup):  # the restore brings the member back
        restored.save()
    assert User.objects.get(pk=busy_member.pk).email == EMAIL
    call_command("replay_erasures")
    assert User.objects.get(pk=busy_member.pk).email.startswith("erased-")
    assert not Profile.objects.filter(user_id=busy_member.pk).exists()
    assert request.pk


def test_the_member_sees_their_disclosure_ledger_but_not_restricted_entries(client, learner, outsider):
    disclosures_record(
        users=[learner],
        recipient="Prof. Tina Teacher",
        recipient_role="controller",
        data_categories="name, e-mail",
        purpose="Class roster",
        legal_basis="Contract",
    )
    disclosures_record(
        users=[learner],
        recipient="Regional court",
        recipient_role="authority",
        data_categories="account",
        purpose="Court order",
        legal_basis="Legal obligation",
        request_ref="4 Cg 12/26",
        restricted=True,
    )
    client.force_login(learner)
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Prof. Tina Teacher" in page and "Regional court" not in page
    client.force_login(outsider)
    assert "Prof. Tina Teacher" not in client.get(reverse("privacy:data")).content.decode()
    client.logout()
    assert client.get(reverse("privacy:data")).status_code == 302
