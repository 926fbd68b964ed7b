"""A backup taken before an erasure, restored: the erasure journal outside the database names the member (keyed
hashes only), and ``replay_erasures`` erases them again, once (decision 0034). These tests run on SQLite and, in
CI's PostgreSQL pass, on PostgreSQL with pg_dump and pg_restore."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.conftest import make_member
from preceptor.core.hashing import address_hash
from preceptor.privacy import journal
from preceptor.privacy.models import DataRequest, ErasureLog
from preceptor.privacy.privacy import purge
from preceptor.privacy.services import erasure_perform, erasure_request, erasures_replay
from preceptor.privacy.tests.test_data_rights import EMAIL, NAME, busy_member, rows_mentioning

__all__ = ["busy_member"]  # the member with data in every app, from the erasure tests


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def erase(user: User) -> None:
    erasure_perform(request=erasure_request(user=user))


def assert_erased(pk: int) -> None:
    """What the erasure tests check: nothing in any table names the member; the account is a tombstone."""
    assert rows_mentioning(EMAIL) == []
    assert rows_mentioning(NAME) == []
    user = User.objects.get(pk=pk)
    assert user.email.startswith("erased-") and not user.is_active


@pytest.mark.django_db(transaction=True)
def test_a_member_erased_after_the_backup_comes_back_with_the_restore_and_is_erased_again_once(
    busy_member, tmp_path, settings
):
    run("backup", str(tmp_path / "backup"))
    erased_at = timezone.now()
    erase(busy_member)
    assert_erased(busy_member.pk)

    restored = run("restore", str(tmp_path / "backup"), "--yes", "--no-replay")
    assert "replay_erasures --since" in restored
    assert User.objects.get(pk=busy_member.pk).email == EMAIL  # the backup brought the member back
    assert rows_mentioning(NAME) and not ErasureLog.objects.exists()
    mail.outbox.clear()

    assert "Erased again: 1 account(s)" in run("replay_erasures")
    assert_erased(busy_member.pk)
    log = ErasureLog.objects.get(user_id_erased=busy_member.pk)
    assert log.email_hash == address_hash(EMAIL) and abs(log.performed_at - erased_at) < timedelta(seconds=5)
    request = DataRequest.objects.get(user=busy_member, kind="erasure")
    assert request.status == "complete" and request.answer["kept"]
    assert mail.outbox == []  # the member had their answer when they were erased

    assert "Erased again: 0 account(s)" in run("replay_erasures")  # idempotent
    assert ErasureLog.objects.count() == 1 and DataRequest.objects.filter(kind="erasure").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_restore_erases_again_by_itself_and_a_new_account_given_the_erased_members_id_is_left_alone(tmp_path):
    before = make_member("before@example.org", "Bea Before")
    run("backup", str(tmp_path / "backup"))
    member = make_member("lena@example.org", "Lena Learner")  # joins after the backup …
    erase(member)  # … and is erased
    run("restore", str(tmp_path / "backup"), "--yes", "--no-replay")
    assert not User.objects.filter(pk=member.pk).exists()
    # The restored database hands the erased member's id out again (its sequence is the backup's), to someone else.
    newcomer = make_member("newcomer@example.org", "Nick Newcomer")
    assert newcomer.pk == member.pk
    assert "Erased again: 0 account(s)" in run("replay_erasures")
    newcomer.refresh_from_db()
    assert newcomer.email == "newcomer@example.org" and newcomer.is_active
    before.refresh_from_db()
    assert before.is_active

    erase(before)
    assert "Erased again: 1 account(s)" in run("restore", str(tmp_path / "backup"), "--yes")
    assert User.objects.get(pk=before.pk).email.startswith("erased-")


@pytest.mark.django_db(transaction=True)
def test_the_journal_holds_keyed_hashes_and_no_name_address_or_id_in_clear(settings):
    member = make_member("lena@example.org", "Lena Learner")
    erase(member)
    text = settings.ERASURE_JOURNAL.read_text()
    [line] = text.splitlines()
    record = json.loads(line)
    assert set(record) == {"v", "at", "account", "address", "options"}
    assert record["account"] == journal.account_hash(member) and len(record["account"]) == 64
    assert record["address"] == address_hash("lena@example.org")
    for clear in ("lena", "Lena", "Learner", "example.org"):
        assert clear not in text
    assert member.pk not in record.values() and str(member.pk) not in record.values()
    assert oct(settings.ERASURE_JOURNAL.stat().st_mode & 0o777) == "0o600"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: runs in the CI's PostgreSQL pass")
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_backup_is_a_pg_dump_and_the_restore_a_pg_restore(tmp_path):
    member = make_member("lena@example.org", "Lena Learner")
    run("backup", str(tmp_path / "backup"))
    assert (tmp_path / "backup" / "database.pgdump").read_bytes().startswith(b"PGDMP")
    erase(member)
    assert "Erased again: 1 account(s)" in run("restore", str(tmp_path / "backup"), "--yes")
    assert User.objects.get(pk=member.pk).email.startswith("erased-")


# --- The journal and the replay, without a backup -----------------------------------------------------------------


def journal_entry(user: User, at: datetime) -> journal.Entry:
    return journal.Entry(at=at, account=journal.account_hash(user), address=address_hash(user.email))


@pytest.mark.django_db
def test_replay_since_a_time_leaves_the_erasures_before_it_alone(settings):
    early, late = make_member("early@example.org", "Eve Early"), make_member("late@example.org", "Lou Late")
    backup_time = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    journal.journal_append(
        [journal_entry(early, backup_time - timedelta(days=1)), journal_entry(late, backup_time + timedelta(hours=1))]
    )
    assert "Erased again: 1 account(s)" in run("replay_erasures", "--since", backup_time.isoformat())
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.is_active and not late.is_active


@pytest.mark.django_db
def test_replay_reads_a_copy_of_the_journal_and_skips_a_torn_line(tmp_path):
    member = make_member("lena@example.org", "Lena Learner")
    copy = tmp_path / "copy.jsonl"
    journal.journal_append([journal_entry(member, timezone.now())], path=copy)
    with copy.open("a") as handle:
        handle.write('{"v":1,"at":"2026-11-')  # the machine died while writing
    out = run("replay_erasures", "--journal", str(copy))
    assert "1 line(s)" in out and "Erased again: 1 account(s)" in out
    with pytest.raises(CommandError, match="No erasure journal"):
        run("replay_erasures", "--journal", str(tmp_path / "nowhere.jsonl"))
    with pytest.raises(CommandError, match="not a date or time"):
        run("replay_erasures", "--since", "last tuesday")


@pytest.mark.django_db
def test_an_account_is_found_under_a_retired_key(settings):
    member = make_member("lena@example.org", "Lena Learner")
    journal.journal_append([journal_entry(member, timezone.now())])
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" * 6
    assert erasures_replay() == 1


@pytest.mark.django_db
def test_the_same_id_with_another_joining_time_is_another_account():
    member = make_member("lena@example.org", "Lena Learner")
    other = SimpleNamespace(pk=member.pk, date_joined=member.date_joined - timedelta(seconds=1))
    assert journal.account_hash(other) != journal.account_hash(member)


@pytest.mark.django_db
def test_retention_drops_entries_past_the_erasure_logs_period_and_adds_a_missing_one(settings):
    now = timezone.now()
    old = SimpleNamespace(pk=999_999, date_joined=now - timedelta(days=2000))
    journal.journal_append([journal_entry(make_member("x@example.org", "X"), now - timedelta(days=3 * 366))])
    journal.journal_append([journal.Entry(at=now, account=journal.account_hash(old), address="0" * 64)])
    member = make_member("lena@example.org", "Lena Learner")
    erase(member)  # not committed in this test: the journal never heard of it, the erasure log has it

    counts = purge(now)

    assert counts == {"privacy.erasure_journal_added": 1, "privacy.erasure_journal_removed": 1}
    entries, unreadable = journal.journal_read()
    assert unreadable == 0
    assert {entry.account for entry in entries} == {journal.account_hash(old), journal.account_hash(member)}
    assert purge(now) == {"privacy.erasure_journal_added": 0, "privacy.erasure_journal_removed": 0}


@pytest.mark.django_db
def test_a_journal_that_cannot_be_written_does_not_undo_the_erasure(
    settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    settings.ERASURE_JOURNAL = tmp_path / "a-file" / "journal.jsonl"
    (tmp_path / "a-file").write_text("not a directory")
    member = make_member("lena@example.org", "Lena Learner")
    with django_capture_on_commit_callbacks(execute=True):
        erase(member)
    member.refresh_from_db()
    assert not member.is_active
    assert "could not be written" in caplog.text and "lena" not in caplog.text
