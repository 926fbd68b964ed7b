"""A merger or acquisition: every member is told N days ahead, in their language; the archive is refused before
then, holds every member's export but no erased member's, opens only with the acquirer's private key, and leaves a
ledger row naming the acquirer for each member in it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa, x25519
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from preceptor.privacy import transfer as crypto
from preceptor.privacy.models import DataRequest, Disclosure, PlannedTransfer
from preceptor.privacy.services import (
    TransferNotDue,
    erasure_perform,
    erasure_request,
    transfer_export,
    transfer_notify,
)

pytestmark = pytest.mark.django_db
ACQUIRER = "Example Health GmbH"


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=3072)


def pem(private_key) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def opened(sealed: bytes, private_key) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(crypto.archive_decrypt(sealed, private_key)))


def test_every_member_is_told_in_their_language_and_the_plan_is_recorded(
    learner, outsider, django_capture_on_commit_callbacks
):
    learner.language = "de"
    learner.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        transfer = transfer_notify(acquirer=ACQUIRER, notice_days=30)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([learner.email, outsider.email])
    assert all(ACQUIRER in m.subject and ACQUIRER in m.body for m in mail.outbox)
    [german] = [m for m in mail.outbox if m.to == [learner.email]]
    [html] = [content for content, mimetype in german.alternatives if mimetype == "text/html"]
    assert 'lang="de"' in html
    assert transfer.members_notified == 2
    assert transfer.export_after == transfer.notified_at + timedelta(days=30)


def test_the_archive_is_refused_before_the_notice_period_has_passed(learner, rsa_key):
    transfer = transfer_notify(acquirer=ACQUIRER, notice_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=29)), pytest.raises(TransferNotDue):
        transfer_export(transfer=transfer, public_key_pem=pem(rsa_key))
    assert not Disclosure.objects.exists()


def test_the_archive_opens_with_the_private_key_and_holds_every_member_but_the_erased(
    learner, outsider, pro_member, rsa_key
):
    transfer = transfer_notify(acquirer=ACQUIRER, notice_days=30)
    request = erasure_request(user=outsider)
    erasure_perform(request=request)
    assert DataRequest.objects.get(pk=request.pk).status == DataRequest.Status.COMPLETE

    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        sealed = transfer_export(transfer=transfer, public_key_pem=pem(rsa_key))

    assert b"learner" not in sealed and sealed.startswith(crypto.MAGIC)
    archive = opened(sealed, rsa_key)
    names = set(archive.namelist())
    assert {f"members/{learner.pk}.zip", f"members/{pro_member.pk}.zip"} <= names
    assert f"members/{outsider.pk}.zip" not in names
    assert "service/catalog.Course.json" in names and "service/privacy.PolicyVersion.json" in names
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["acquirer"] == ACQUIRER and manifest["members"] == len(
        [n for n in names if n.startswith("members/")]
    )
    export = zipfile.ZipFile(io.BytesIO(archive.read(f"members/{learner.pk}.zip")))
    assert json.loads(export.read("accounts.json"))["account"]["email"] == learner.email

    ledger = Disclosure.objects.filter(recipient=ACQUIRER)
    assert set(ledger.values_list("user_id", flat=True)) == {
        int(n.removeprefix("members/").removesuffix(".zip")) for n in names if n.startswith("members/")
    }
    assert not ledger.filter(user=outsider).exists()
    transfer.refresh_from_db()
    assert transfer.exported_at is not None and transfer.members_transferred == ledger.count()


def test_a_wrong_key_or_a_changed_byte_does_not_open_it(learner, rsa_key):
    sealed = crypto.archive_encrypt(b"the archive", rsa_key.public_key(), acquirer=ACQUIRER)
    assert crypto.archive_decrypt(sealed, rsa_key) == b"the archive"
    other = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    with pytest.raises(ValueError):
        crypto.archive_decrypt(sealed, other)
    tampered = sealed.replace(ACQUIRER.encode(), b"Other Health GmbH!!")
    with pytest.raises(InvalidTag):
        crypto.archive_decrypt(tampered, rsa_key)


def test_an_x25519_key_works_too_and_weak_keys_are_refused():
    private = x25519.X25519PrivateKey.generate()
    recipient = crypto.public_key_load(pem(private))
    sealed = crypto.archive_encrypt(b"the archive", recipient, acquirer=ACQUIRER)
    assert crypto.archive_decrypt(sealed, private) == b"the archive"
    with pytest.raises(ValueError, match="3072"):
        crypto.public_key_load(pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))


def test_the_command_notifies_then_exports_after_the_notice(tmp_path, learner, rsa_key):
    key_file, out = tmp_path / "acquirer.pem", tmp_path / "transfer.bin"
    key_file.write_bytes(pem(rsa_key))
    stdout = io.StringIO()
    call_command("transfer_archive", "notify", "--acquirer", ACQUIRER, "--notice-days", "14", stdout=stdout)
    assert "Notice queued to 1 members" in stdout.getvalue()
    export = ["transfer_archive", "export", "--acquirer", ACQUIRER, "--public-key", str(key_file)]
    with pytest.raises(CommandError, match="notice"):
        call_command(*export, "--output", str(out))
    assert not out.exists()
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        call_command(*export, "--output", str(out), stdout=stdout)
    assert f"members/{learner.pk}.zip" in opened(out.read_bytes(), rsa_key).namelist()
    assert PlannedTransfer.objects.get().exported_at is not None
    with pytest.raises(CommandError, match="notify step first"):
        call_command(*export, "--output", str(out))
    with pytest.raises(CommandError, match="at least 1"):
        call_command("transfer_archive", "notify", "--acquirer", ACQUIRER, "--notice-days", "0")
