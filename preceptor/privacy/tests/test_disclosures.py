"""The disclosure ledger is written in one place: ``privacy.services.disclosures_record``. One row per
member, restricted rows only for a named legal request and never shown to the member, written in chunks."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import preceptor
from preceptor.conftest import make_member
from preceptor.core import bulk
from preceptor.privacy.models import Disclosure
from preceptor.privacy.privacy import export_user
from preceptor.privacy.services import disclosures_record

pytestmark = pytest.mark.django_db

PACKAGE = Path(preceptor.__file__).resolve().parent
THE_SERVICE = PACKAGE / "privacy" / "services.py"
WRITERS = re.compile(
    r"(?<!class )\bDisclosure\s*\("  # an instance built by hand (not FacultyDisclosure(, not the model)
    r"|\bDisclosure\.(?:objects|_default_manager|_base_manager)\s*\.\s*(?:create|bulk_create|get_or_create|update_or_create)\b"
    r"|bulk_create\(\s*\[?\s*Disclosure\b"
    r"|\brows_insert\(\s*Disclosure\b"  # core.bulk's raw insert
    r"|import\s+Disclosure\s+as\b"  # an alias would hide the above
)
AT = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
ROSTER = {
    "recipient": "Prof. Tina Teacher (teacher of “ECG clinic”)",
    "recipient_role": Disclosure.Role.CONTROLLER,
    "data_categories": "Name and e-mail address",
    "purpose": "Teaching the class you signed up for",
    "legal_basis": "Contract (GDPR art. 6(1)(b))",
    "channel": "Roster CSV export",
}
COURT_ORDER = {
    "recipient": "Regional court",
    "recipient_role": Disclosure.Role.AUTHORITY,
    "data_categories": "Account",
    "purpose": "Court order",
    "legal_basis": "Legal obligation (GDPR art. 6(1)(c))",
}


def writers_of_disclosure_rows() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if path == THE_SERVICE or "tests" in parts or "migrations" in parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if WRITERS.search(line):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    return found


def test_nothing_but_the_privacy_service_writes_disclosure_rows():
    assert writers_of_disclosure_rows() == [], "call privacy.services.disclosures_record instead"


@pytest.mark.parametrize(
    "line",
    [
        "Disclosure.objects.create(user=user)",
        "Disclosure.objects.bulk_create(rows)",
        "Disclosure.objects.get_or_create(user=user)",
        "rows.append(Disclosure(user_id=1))",
        "Model.objects.bulk_create([Disclosure(user_id=1)])",
        "from preceptor.privacy.models import Disclosure as Ledger",
    ],
)
def test_the_source_check_recognises_a_hand_written_disclosure(line):
    assert WRITERS.search(line)


@pytest.mark.parametrize(
    "line",
    [
        "FacultyDisclosure.objects.create(activity=activity)",
        "FacultyDisclosure(user=user)",
        "class Disclosure(models.Model):",
        "recipient_role=Disclosure.Role.CONTROLLER,",
        "Disclosure.objects.filter(user=user, restricted=False)",
    ],
)
def test_the_source_check_leaves_other_uses_alone(line):
    assert not WRITERS.search(line)


def test_each_member_gets_one_row_with_the_same_fields(learner, pro_member):
    written = disclosures_record(users=[learner, pro_member.pk, learner, learner.pk], occurred_at=AT, **ROSTER)
    assert written == 2
    rows = Disclosure.objects.order_by("user_id")
    assert [d.user_id for d in rows] == sorted([learner.pk, pro_member.pk])
    for d in rows:
        assert (d.recipient, d.recipient_role, d.data_categories, d.purpose, d.legal_basis, d.channel) == tuple(
            ROSTER.values()
        )
        assert (d.transfer_country, d.safeguard, d.request_ref, d.restricted, d.occurred_at) == ("", "", "", False, AT)


def test_a_disclosure_without_a_time_is_dated_now(learner):
    before = datetime.now(UTC)
    disclosures_record(users=[learner], **ROSTER)
    assert before <= Disclosure.objects.get().occurred_at <= datetime.now(UTC)


def test_nobody_to_disclose_to_writes_nothing():
    assert disclosures_record(users=[], **ROSTER) == 0
    assert not Disclosure.objects.exists()


def test_a_large_disclosure_is_inserted_in_chunks_from_a_stream_of_ids(monkeypatch, learner, pro_member, outsider):
    monkeypatch.setattr(bulk, "CHUNK", 2)
    extra = [make_member(f"member{i}@example.org", f"Member {i}") for i in range(2)]
    ids = [learner.pk, pro_member.pk, outsider.pk, *(m.pk for m in extra)]
    with CaptureQueriesContext(connection) as queries:
        written = disclosures_record(users=(pk for pk in ids), **ROSTER)
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert written == 5 and Disclosure.objects.count() == 5
    assert len(inserts) == 3  # 2 + 2 + 1


def test_one_member_gets_one_row(learner):
    assert disclosures_record(users=[learner], occurred_at=AT, **ROSTER) == 1
    row = Disclosure.objects.get()
    assert row.user == learner and row.recipient == ROSTER["recipient"] and not row.restricted


def test_a_restricted_disclosure_is_kept_from_the_members_ledger_and_export(client, learner):
    disclosures_record(users=[learner], **ROSTER)
    disclosures_record(users=[learner], request_ref="4 Cg 12/26", restricted=True, **COURT_ORDER)
    assert Disclosure.objects.filter(user=learner, restricted=True, request_ref="4 Cg 12/26").count() == 1
    client.force_login(learner)
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Prof. Tina Teacher" in page and "Regional court" not in page
    exported = json.dumps(export_user(learner), default=str)
    assert "Prof. Tina Teacher" in exported and "Regional court" not in exported


@pytest.mark.parametrize("request_ref", ["", "  "])
def test_a_restricted_disclosure_must_name_the_legal_request(learner, request_ref):
    with pytest.raises(ValueError, match="legal request"):
        disclosures_record(users=[learner], request_ref=request_ref, restricted=True, **COURT_ORDER)
    assert not Disclosure.objects.exists()


def test_an_unknown_recipient_role_is_refused(learner):
    with pytest.raises(ValueError, match="recipient role"):
        disclosures_record(users=[learner], **{**ROSTER, "recipient_role": "friend"})
    assert not Disclosure.objects.exists()
