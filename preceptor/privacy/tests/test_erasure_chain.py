"""The erasure chain beyond our database (decision 0029): the recipients in the member's disclosure ledger are told
(GDPR art. 19), the payment and e-mail providers get their step, and the address joins the suppression list as a
keyed hash. The Stripe deletion itself is tested against localstripe in ``billing/tests/test_erasure.py``."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.models import Subscription
from preceptor.billing.privacy import erase_user as billing_erase_user
from preceptor.classes.models import Teacher
from preceptor.conftest import make_member
from preceptor.core.erasure import ERASURE_NOTICE, erasure_notices, erasure_tasks_open
from preceptor.core.mail import email_render, message_to_dict
from preceptor.core.models import AuditEvent
from preceptor.core.tasks import email_send
from preceptor.mail.models import SuppressedAddress
from preceptor.mail.privacy import erase_user as mail_erase_user
from preceptor.mail.selectors import preferences_for
from preceptor.mail.suppression import address_hash, is_refused
from preceptor.mail.tests.conftest import newsletter
from preceptor.privacy.services import (
    disclosures_record,
    erasure_notices_send,
    erasure_perform,
    erasure_request,
)

TEACHER_RECIPIENT = "Prof. Tina Teacher (teacher of “ECG clinic”)"
PARS_RECIPIENT = "ACCME (PARS), reported by the accredited provider"
UNKNOWN_RECIPIENT = "Regional medical board"


def disclose(user: User, recipient: str, channel: str = "roster page") -> None:
    disclosures_record(
        users=[user],
        recipient=recipient,
        recipient_role="controller",
        data_categories="Name and e-mail address",
        purpose="Teaching the class you signed up for",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        channel=channel,
    )


def erase(user: User, capture) -> None:
    with capture(execute=True):
        erasure_perform(request=erasure_request(user=user))


@pytest.fixture
def disclosed(learner, teacher, settings):
    """The learner's data went to a class's teacher, to ACCME (whose contact the operator configured) and to a
    recipient nobody has a contact for."""
    settings.PRIVACY_PROCESSORS = {"accme_pars": {"contact": "privacy@accme.example"}}
    Teacher.objects.create(user=teacher, slug="tina-teacher", display_name="Prof. Tina Teacher")
    disclose(learner, TEACHER_RECIPIENT)
    disclose(learner, TEACHER_RECIPIENT, channel="roster CSV")  # twice to the same recipient: told once
    disclose(learner, PARS_RECIPIENT, channel="PARS learner file 7")
    disclose(learner, UNKNOWN_RECIPIENT, channel="letter")
    return learner


def test_each_recipient_in_the_ledger_is_told_once_by_e_mail_or_gets_a_task(
    disclosed, django_capture_on_commit_callbacks
):
    address, name = disclosed.email, disclosed.full_name
    erase(disclosed, django_capture_on_commit_callbacks)

    notices = {m.to[0]: m for m in mail.outbox if "art. 19" in m.subject}
    assert sorted(notices) == ["privacy@accme.example", "teacher@example.org"]
    for message in notices.values():
        assert name in message.body and address in message.body  # the recipient must know whom to erase
        assert "Name and e-mail address" in message.body
    assert "roster CSV" in notices["teacher@example.org"].body and "PARS learner file 7" not in (
        notices["teacher@example.org"].body
    )

    state = erasure_notices(disclosed.pk)
    assert {r: (e.data["channel"], e.data["status"]) for r, e in state.items()} == {
        TEACHER_RECIPIENT: ("email", "queued"),
        PARS_RECIPIENT: ("email", "queued"),
        UNKNOWN_RECIPIENT: ("task", "open"),
    }
    assert "letter" in state[UNKNOWN_RECIPIENT].data["detail"]
    for event in AuditEvent.objects.filter(action=ERASURE_NOTICE):  # the records name neither the member nor
        assert address not in json.dumps(event.data) and name not in json.dumps(event.data)  # the address


def test_telling_the_recipients_again_sends_nothing_twice(disclosed, django_capture_on_commit_callbacks):
    address, name = disclosed.email, disclosed.full_name
    erase(disclosed, django_capture_on_commit_callbacks)
    records, sent = AuditEvent.objects.filter(action=ERASURE_NOTICE).count(), len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure_notices_send(user=disclosed, name=name, address=address) == 0
    assert AuditEvent.objects.filter(action=ERASURE_NOTICE).count() == records
    assert len(mail.outbox) == sent


def test_a_teacher_who_is_no_longer_active_gets_a_task_instead_of_an_e_mail(
    disclosed, teacher, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=teacher.pk).update(is_active=False)
    erase(disclosed, django_capture_on_commit_callbacks)
    assert erasure_notices(disclosed.pk)[TEACHER_RECIPIENT].data["status"] == "open"
    assert not [m for m in mail.outbox if m.to == ["teacher@example.org"]]


def test_the_e_mail_provider_gets_a_task_naming_the_erasure_answers_message_id(
    learner, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # an SMTP provider is configured
    settings.EMAIL_HOST = "smtp.mail-provider.example"
    with django_capture_on_commit_callbacks() as callbacks:  # nothing is sent: the SMTP server is not there
        erasure_perform(request=erasure_request(user=learner))
    assert callbacks
    task = erasure_notices(learner.pk)["email"]
    assert task.data["channel"] == "task" and task.data["status"] == "open"
    assert "smtp.mail-provider.example" in task.data["detail"]
    assert task.data["message_id"].startswith("<") and "@" in task.data["message_id"]


def test_no_e_mail_provider_task_without_an_e_mail_provider(learner, django_capture_on_commit_callbacks):
    erase(learner, django_capture_on_commit_callbacks)  # the test settings send through locmem: no provider
    assert "email" not in erasure_notices(learner.pk)
    answer = mail.outbox[-1]
    assert "has been deleted" in answer.subject and answer.extra_headers["Message-ID"]


def test_paypal_gets_one_task_listing_its_references(learner):
    Subscription.objects.create(user=learner, provider="paypal", provider_id="I-PAYPAL123", status="active")
    billing_erase_user(learner)
    billing_erase_user(learner)  # a replay records no second task
    tasks = AuditEvent.objects.filter(action=ERASURE_NOTICE, subject=learner, data__recipient="paypal")
    [task] = tasks
    assert task.data["status"] == "open" and task.data["channel"] == "task"
    assert task.data["references"] == ["I-PAYPAL123"]
    assert "no API" in task.data["detail"]


def test_a_member_without_paypal_payments_gets_no_paypal_task(learner):
    billing_erase_user(learner)
    assert "paypal" not in erasure_notices(learner.pk)


# --- The suppression list -----------------------------------------------------------------------------------
def text_fields_mentioning(value: str) -> list[str]:
    """Every row of every model with a text or JSON field containing ``value`` (case-insensitive)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            textual = isinstance(field, models.CharField | models.TextField | models.JSONField)
            if textual and model._default_manager.filter(**{f"{field.name}__icontains": value}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_the_erased_address_joins_the_suppression_list_only_as_a_keyed_hash(
    learner, settings, django_capture_on_commit_callbacks
):
    address = learner.email
    erase(learner, django_capture_on_commit_callbacks)

    [entry] = SuppressedAddress.objects.all()
    assert entry.reason == "erasure" and entry.address_hash == address_hash(address)
    assert entry.address_hash == address_hash(address.upper())  # one entry however the address is written
    assert address_hash(address) != address_hash(address, secret="another key")  # keyed: not a plain hash
    assert not SuppressedAddress.objects.filter(address_hash__icontains=address.split("@")[0]).exists()
    assert text_fields_mentioning(address) == []  # nowhere in clear text, the suppression list included
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]  # after rotating the key the old entries still match
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    assert is_refused(address)


def test_erasing_again_adds_no_second_entry(learner, django_capture_on_commit_callbacks):
    address = learner.email
    mail_erase_user(learner)
    User.objects.filter(pk=learner.pk).update(email=address)
    mail_erase_user(learner)  # the replay after a restore
    assert SuppressedAddress.objects.count() == 1


def test_marketing_mail_is_refused_to_a_restored_erased_account_but_not_to_a_new_account_later(
    learner, django_capture_on_commit_callbacks
):
    address = learner.email
    preference = preferences_for(learner)
    preference.newsletter = True
    preference.save()
    assert newsletter(learner) is not None
    mail_erase_user(learner)
    restored = User.objects.get(pk=learner.pk)  # as a backup restore would bring it back, address and all
    preference = preferences_for(restored)
    preference.newsletter = True
    preference.save()
    assert newsletter(restored) is None

    User.objects.filter(pk=learner.pk).update(email="erased-x@invalid", is_active=False)
    EmailAddress.objects.filter(user=learner).delete()
    later = make_member(address, "Lena Again")  # a new account made with the address after the erasure
    User.objects.filter(pk=later.pk).update(date_joined=timezone.now() + timedelta(seconds=1))
    later.refresh_from_db()
    preference = preferences_for(later)
    preference.newsletter = True
    preference.save()
    assert newsletter(later) is not None and not is_refused(address)


def test_unasked_mail_queued_before_the_erasure_is_dropped_when_sent_but_asked_for_mail_goes(
    learner, django_capture_on_commit_callbacks
):
    preference = preferences_for(learner)
    preference.newsletter = True
    preference.save()
    queued_marketing = message_to_dict(newsletter(learner))  # queued before the erasure
    queued_transactional = message_to_dict(
        email_render(template_prefix="account/email/account_erased", to=learner.email, context={"email": "x"})
    )
    erase(learner, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    assert email_send.apply(args=[queued_marketing]).get() == 0
    assert mail.outbox == []
    assert email_send.apply(args=[queued_transactional]).get() == 1
    [message] = mail.outbox
    assert message.to == ["learner@example.org"]


def test_the_privacy_officer_lists_open_tasks_and_records_one_done_once(
    disclosed, staff, staff_without_permissions, django_capture_on_commit_callbacks
):
    erase(disclosed, django_capture_on_commit_callbacks)
    [task] = erasure_tasks_open()
    assert task.data["recipient"] == UNKNOWN_RECIPIENT
    out = io.StringIO()
    call_command("erasure_tasks", stdout=out)
    assert f"{task.pk}\t" in out.getvalue() and "Open erasure tasks: 1." in out.getvalue()
    assert disclosed.email not in out.getvalue()

    with pytest.raises(CommandError, match="privacy officer"):  # staff status alone is not enough
        call_command("erasure_tasks", complete=task.pk, by=staff_without_permissions.email, note="Wrote to them.")
    with pytest.raises(CommandError, match="what was done"):
        call_command("erasure_tasks", complete=task.pk, by=staff.email, note=" ")
    call_command("erasure_tasks", complete=task.pk, by=staff.email, note="Wrote to the board.", stdout=io.StringIO())
    assert erasure_tasks_open() == []
    closed = erasure_notices(disclosed.pk)[UNKNOWN_RECIPIENT]
    assert (
        closed.data["status"] == "closed" and closed.actor == staff and closed.data["detail"] == "Wrote to the board."
    )
    with pytest.raises(CommandError, match="completed already"):
        call_command("erasure_tasks", complete=task.pk, by=staff.email, note="Again.")


def test_the_data_request_queue_shows_the_open_erasure_tasks(
    client, disclosed, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    assert "Nothing is waiting." in client.get(reverse("privacy:staff_requests")).content.decode()
    erase(disclosed, django_capture_on_commit_callbacks)
    [task] = erasure_tasks_open()
    page = client.get(reverse("privacy:staff_requests")).content.decode()
    assert UNKNOWN_RECIPIENT in page and f"<td>{task.pk}</td>" in page and "Nothing is waiting." not in page
    assert TEACHER_RECIPIENT.split(" (")[0] not in page  # told by e-mail: nothing to do
