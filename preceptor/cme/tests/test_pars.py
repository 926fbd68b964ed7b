"""PARS export and reports: docs/requirements.md, CME requirements 21–30."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from preceptor.accounts.services import complimentary_pro_grant
from preceptor.cme.forms import IdentityForm, npi_is_valid
from preceptor.cme.models import Claim, LearnerIdentity, ParsRecord
from preceptor.cme.pars import TSV_COLUMNS, YearClosed, export_pars, year_state
from preceptor.cme.reports import activity_rows, disclose_report, learner_rows
from preceptor.cme.services import claim_amend, claim_revoke, credit_claim, pars_consent_set
from preceptor.cme.tests.conftest import evaluated, passed, physician, studied
from preceptor.conftest import make_member
from preceptor.privacy.models import Disclosure

SCHEMA = json.loads((Path(__file__).parent / "pars-learner-reports.schema_v0_5.json").read_text())
NPI = "1234567893"  # the CMS example NPI (valid check digit)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def identity_for(user, consent=True, **fields) -> LearnerIdentity:
    identity = LearnerIdentity.objects.create(
        user=user, first_name="Paul", last_name="Pro", birth_month=4, birth_day=9, npi=NPI, **fields
    )
    pars_consent_set(identity=identity, consent=consent)
    return identity


def export(year=2026, fmt="json", now=NOW, record=True):
    out = io.StringIO()
    summary = export_pars(year=year, fmt=fmt, out=out, now=now, record=record)
    return out.getvalue(), summary


def records(text: str) -> list[dict]:
    return json.loads(text)["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]


@pytest.fixture
def claim(ready, activity) -> Claim:
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    Claim.objects.filter(pk=claim.pk).update(completed_at=datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    claim.refresh_from_db()
    return claim


def test_req21_only_consenting_learners_are_exported_and_withdrawal_queues_a_delete(claim):
    identity = identity_for(claim.user, consent=False)
    text, summary = export()
    assert summary.added == 0 and records(text) == []
    pars_consent_set(identity=identity, consent=True)
    assert identity.pars_consent_at is not None
    text, summary = export()
    assert [r["XtensibleInfo"]["LearnerRecordAction"] for r in records(text)] == ["add"]
    pars_consent_set(identity=identity, consent=False)
    text, summary = export()
    assert [r["XtensibleInfo"]["LearnerRecordAction"] for r in records(text)] == ["delete"]
    assert records(text)[0]["Activity"]["Module"]["CreditCertificate"][0]["CreditID"].endswith(
        str(claim.certificate_id)
    )
    text, summary = export()
    assert summary.added == summary.deleted == 0  # nothing more to send
    from preceptor.core.models import AuditEvent

    actions = list(
        AuditEvent.objects.filter(subject=claim.user, action__startswith="cme.pars").values_list("action", flat=True)
    )
    assert sorted(actions) == ["cme.pars_consent_given", "cme.pars_consent_withdrawn"]


@pytest.mark.parametrize(
    "npi, valid", [("1234567893", True), ("1234567890", False), ("123456789", False), ("12345678AB", False)]
)
def test_req22_npi_is_validated(npi, valid):
    assert npi_is_valid(npi) is valid


def test_req22_identity_form_stores_pars_fields_and_requires_enough_for_pars(pro_member):
    data = {
        "first_name": "Paul",
        "last_name": "Pro",
        "birth_month": "2",
        "birth_day": "30",
        "npi": "",
        "pars_consent": "on",
    }
    form = IdentityForm(data, instance=LearnerIdentity(user=pro_member))
    assert not form.is_valid()
    assert "birth_day" in form.errors and "npi" in form.errors
    data.update(birth_day="28", licences_text="ca A123456\nNY 99887", boards_text="ABIM 123456")
    form = IdentityForm(data, instance=LearnerIdentity(user=pro_member))
    assert form.is_valid(), form.errors
    identity = form.save()
    assert identity.licences == [{"state": "CA", "number": "A123456"}, {"state": "NY", "number": "99887"}]
    assert identity.board_ids == [{"board": "ABIM", "id": "123456"}]
    assert identity.birth_year is None  # the year is optional
    bad = IdentityForm({**data, "boards_text": "XYZ 1"}, instance=LearnerIdentity(user=pro_member))
    assert not bad.is_valid() and "boards_text" in bad.errors


def test_req24_json_export_validates_against_the_draft_learner_schema(claim):
    identity_for(claim.user, birth_year=1980)
    text, _summary = export()
    document = json.loads(text)
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    [record] = records(text)
    assert record["ReportingOrganization"] == "CME Consultants"
    assert record["Member"] == {
        "Name": {"GivenName": "Paul", "FamilyName": "Pro"},
        "PersonalInfo": {"BirthDate": "1980-04-09"},
    }
    module = record["Activity"]["Module"]
    assert record["Activity"]["ProviderOrganization"] == "0012345"
    assert module["ModuleName"] == {"value": "Heart Rhythm Basics", "moduleID": "202600001"}
    assert module["Status"] == "Completed"
    certificate = module["CreditCertificate"][0]
    assert certificate["UniqueID"] == {"value": NPI, "domain": "NPI"}
    assert certificate["CreditReceived"] == {
        "activityCertification": "AMA PRA Category 1",
        "creditUnit": "Point",
        "numberOfCredits": 1.75,
    }
    assert certificate["CreditID"] == f"ccid:preceptor:{claim.certificate_id}"
    assert record["XtensibleInfo"]["LearnerRecordAction"] == "add"


def test_req24_xml_export_carries_the_same_record(claim):
    identity_for(claim.user)
    text, _ = export(fmt="xml")
    root = ElementTree.fromstring(text)  # noqa: S314 - our own output
    report = root.find("ActivityReports/ActivityReport")
    assert report.findtext("Member/Name/GivenName") == "Paul"
    module_name = report.find("Activity/Module/ModuleName")
    assert module_name.text == "Heart Rhythm Basics" and module_name.get("moduleID") == "202600001"
    credit = report.find("Activity/Module/CreditCertificate/CreditReceived")
    assert credit.findtext("creditUnit") == "Point"
    assert report.findtext("Activity/Module/CreditCertificate/CreditReceived/numberOfCredits") == "1.75"
    assert report.find("Activity/Module/CreditCertificate/UniqueID").get("domain") == "NPI"
    assert report.findtext("XtensibleInfo/LearnerRecordAction") == "add"


def test_req25_a_correction_is_delete_then_add_never_update(claim):
    identity_for(claim.user)
    export()
    claim_amend(claim=claim, credits=Decimal("1.5"), actor=claim.user)
    text, _summary = export()
    jsonschema.validate(json.loads(text), SCHEMA)
    sent = records(text)
    assert [r["XtensibleInfo"]["LearnerRecordAction"] for r in sent] == ["delete", "add"]
    assert sent[0]["Activity"]["Module"]["CreditCertificate"][0]["CreditReceived"]["numberOfCredits"] == 1.75
    assert sent[1]["Activity"]["Module"]["CreditCertificate"][0]["CreditReceived"]["numberOfCredits"] == 1.5
    assert "update" not in text
    claim_revoke(claim=claim, reason="Duplicate.", actor=claim.user)
    text, _ = export()
    assert [r["XtensibleInfo"]["LearnerRecordAction"] for r in records(text)] == ["delete"]
    assert list(ParsRecord.objects.values_list("action", flat=True)) == ["add", "delete", "add", "delete"]


def test_req26_dates_are_taken_in_us_central_time(claim):
    identity_for(claim.user)
    Claim.objects.filter(pk=claim.pk).update(completed_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
    text, _ = export(year=2025, now=datetime(2026, 1, 15, tzinfo=UTC))
    assert (
        records(text)[0]["Activity"]["Module"]["CompletedDateTime"] == "2025-12-31T17:30:00-06:00"
    )  # Central time, its offset explicit
    # 02:00 UTC on 1 January is still 31 December in Chicago: it belongs to the earlier year.
    Claim.objects.filter(pk=claim.pk).update(completed_at=datetime(2026, 1, 1, 2, 0, tzinfo=UTC))
    ParsRecord.objects.all().delete()
    text, _ = export(year=2025, now=datetime(2026, 1, 15, tzinfo=UTC))
    assert records(text)[0]["Activity"]["Module"]["CompletedDateTime"] == "2025-12-31T20:00:00-06:00"
    assert export(year=2026, now=datetime(2026, 1, 15, tzinfo=UTC))[1].added == 0


def test_req27_reporting_window_warns_then_refuses_closed_years(claim):
    identity_for(claim.user)
    assert year_state(2026, datetime(2026, 12, 1, tzinfo=UTC)) == "open"
    assert year_state(2026, datetime(2027, 3, 15, tzinfo=UTC)) == "closing"
    assert year_state(2026, datetime(2027, 4, 1, 4, 59, tzinfo=UTC)) == "closing"  # 23:59 on 31 March in Chicago
    assert year_state(2026, datetime(2027, 4, 1, 5, 0, tzinfo=UTC)) == "closed"
    _, summary = export(now=datetime(2027, 3, 20, tzinfo=UTC))
    assert summary.warnings and "31 March 2027" in summary.warnings[0]
    with pytest.raises(YearClosed):
        export(now=datetime(2027, 4, 2, tzinfo=UTC))
    with pytest.raises(CommandError):
        call_command("export_pars", "--year", "2019", stdout=io.StringIO(), stderr=io.StringIO())


def test_req28_tsv_export_columns_follow_the_pinned_fixture(claim):
    identity_for(claim.user)
    text, _ = export(fmt="tsv")
    golden = (Path(__file__).parent / "pars-learner-columns.tsv").read_text()
    header, row = text.splitlines()
    assert header + "\n" == golden and tuple(header.split("\t")) == TSV_COLUMNS
    cells = dict(zip(TSV_COLUMNS, row.split("\t"), strict=True))
    assert cells["LearnerRecordAction"] == "add" and cells["NumberOfCredits"] == "1.75"
    assert cells["UniqueIDDomain"] == "NPI" and cells["CompletedDateTime"] == "2026-06-01T10:00:00-05:00"


def test_req29_activity_counts_physicians_and_other_learners(claim, activity, outsider):
    from preceptor.cme.tests.conftest import evaluated, passed, studied

    make_pro(outsider)
    studied(outsider, activity)
    passed(outsider, activity)
    evaluated(outsider, activity)
    credit_claim(user=outsider, activity=activity, credits=Decimal("1"))  # a participation claim
    [row] = activity_rows(timezone.localdate().year)
    assert row["total_physician_learners"] == 1 and row["total_other_learners"] == 1
    # Enduring: cumulative to 31 December of the year.
    [later] = activity_rows(timezone.localdate().year + 1)
    assert later["total_physician_learners"] == 1


def make_pro(user):
    user.complimentary_pro_until = timezone.now() + timedelta(days=30)
    user.save(update_fields=["complimentary_pro_until"])


def test_req30_activity_export_fields(activity):
    [row] = activity_rows(2026)
    assert row["title"] == "Heart Rhythm Basics" and row["format"] == "Enduring Material"
    assert (
        row["start_date"] == activity.release_date.isoformat()
        and row["end_date"] == activity.expiration_date.isoformat()
    )
    assert row["delivery_method"] == "Online" and row["ama_credits"] == "2.00"
    assert row["providership"] == "joint" and row["joint_providers"] == "Preceptor"
    assert row["commercial_support"] == "No" and row["outcome_measures"] == "Learner Knowledge"
    assert row["description"] == activity.course.summary


def test_export_pars_command_writes_a_file_and_records_disclosures(claim, tmp_path):
    identity_for(claim.user)
    target = tmp_path / "pars.json"
    err = io.StringIO()
    call_command("export_pars", "--year", "2026", "--output", str(target), "--dry-run", stderr=err)
    assert "1 add" in err.getvalue() and "dry run" in err.getvalue()
    assert not ParsRecord.objects.exists() and not Disclosure.objects.exists()
    call_command("export_pars", "--year", "2026", "--format", "json", "--output", str(target), stderr=io.StringIO())
    jsonschema.validate(json.loads(target.read_text()), SCHEMA)
    [disclosure] = Disclosure.objects.filter(user=claim.user)
    assert "ACCME" in disclosure.recipient and disclosure.transfer_country == "United States"


def test_joint_provider_and_eaccme_reports_disclose_each_member(claim, staff, client):
    rows = learner_rows("joint_provider", claim.completed_at.date() - timedelta(days=1), claim.completed_at.date())
    assert rows[0]["quiz_score"] == "80" and rows[0]["credits"] == "1.75" and rows[0]["evaluation"]
    client.force_login(staff)
    start, end = claim.completed_at.date().replace(day=1), claim.completed_at.date()
    response = client.post(
        "/staff/cme/",
        {
            "report": "1",
            "report-kind": "joint_provider",
            "report-start": start,
            "report-end": end,
            "report-fmt": "json",
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data[0]["certificate_id"] == str(claim.certificate_id)
    [disclosure] = Disclosure.objects.filter(user=claim.user)
    assert disclosure.recipient == "CME Consultants (joint provider)"
    assert disclose_report("eaccme", start, end) == 0  # no ECMEC claims: nobody sent
    client.force_login(claim.user)
    assert "CME Consultants (joint provider)" in client.get("/settings/data/").content.decode()


@pytest.mark.parametrize(
    "who, status",
    [("staff", 200), ("pro_member", 403), ("staff_without_permissions", 403), ("anonymous", 302)],
)
def test_staff_reporting_page_is_staff_only(client, request, who, status, activity):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/staff/cme/").status_code == status
    assert client.get(f"/staff/cme/activities/{activity.pk}/evaluations/").status_code == status


@pytest.mark.parametrize("role, status", [("CME office", 200), ("Privacy officer", 403), ("Statistics", 403)])
def test_the_cme_office_opens_the_reports_and_its_exports_are_audited(client, staff_in, claim, role, status):
    from preceptor.core.models import AuditEvent

    officer = staff_in(role)
    client.force_login(officer)
    assert client.get("/staff/cme/").status_code == status
    url = f"/staff/cme/activities/{claim.activity.pk}/evaluations/?format=json"
    assert client.get(url).status_code == status
    start, end = claim.completed_at.date().replace(day=1), claim.completed_at.date()
    report = {"report": "1", "report-kind": "joint_provider", "report-start": start, "report-end": end}
    assert client.post("/staff/cme/", {**report, "report-fmt": "csv"}).status_code == status
    audited = {e.action: e for e in AuditEvent.objects.filter(actor=officer, action__startswith="cme.")}
    if status == 403:
        assert not audited and not Disclosure.objects.exists()
        return
    assert audited["cme.evaluations_exported"].target == f"cme.Activity:{claim.activity.pk}"
    assert audited["cme.report_downloaded"].data == {
        "kind": "joint_provider",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "format": "csv",
        "rows": 1,
    }
    assert Disclosure.objects.filter(user=claim.user).count() == 1


def test_a_staff_member_who_may_download_reports_but_not_revoke_cannot_revoke(client, claim):
    from django.contrib.auth.models import Permission

    from preceptor.conftest import make_staff

    reporter = make_staff("reporter@example.org", "Rita Reporter")
    reporter.user_permissions.add(Permission.objects.get(codename="download_reports"))
    client.force_login(reporter)
    html = client.get("/staff/cme/").content.decode()
    assert "Download the report to send" in html and "Revoke a certificate" not in html
    revoke = {"revoke": "1", "revoke-certificate": str(claim.certificate_id), "revoke-reason": "Entered in error."}
    assert client.post("/staff/cme/", revoke).status_code == 403
    claim.refresh_from_db()
    assert claim.revoked_at is None


@pytest.mark.parametrize("who, status", [("CME office", 200), ("Support", 404), ("staff_without_permissions", 404)])
def test_staff_download_a_members_certificate_only_with_the_cme_role_and_on_the_record(
    client, request, staff_in, claim, who, status
):
    from preceptor.core.models import AuditEvent

    user = request.getfixturevalue(who) if who.islower() else staff_in(who)
    client.force_login(user)
    assert client.get(f"/cme/certificates/{claim.certificate_id}.pdf").status_code == status
    downloads = AuditEvent.objects.filter(actor=user, action="cme.certificate_downloaded", subject=claim.user)
    assert downloads.count() == (1 if status == 200 else 0)


def test_the_schema_fixture_differs_from_the_published_draft_by_one_comma():
    """The published draft (elliottACCME/tempSchema a9eaa6f, kept beside it) is not valid JSON; ours adds the
    one missing comma and changes nothing else."""
    import difflib

    here = Path(__file__).parent
    original = (here / "pars-learner-reports.schema_v0_5.published.json").read_text()
    fixture = (here / "pars-learner-reports.schema_v0_5.json").read_text()
    with pytest.raises(json.JSONDecodeError):
        json.loads(original)
    assert len(fixture) == len(original) + 1
    changes = [d for d in difflib.ndiff(original.splitlines(), fixture.splitlines()) if d[:1] in "+-"]
    assert len(changes) == 2 and changes[0].rstrip() + "," == changes[1].rstrip().replace("+ ", "- ", 1)


def test_each_learner_is_matched_with_their_own_identity_whoever_lacks_one(activity, ready):
    """The exporter reads identities beside the claims, both in learner order: a learner without an identity
    between two with one, and an identity without a claim that year, must not shift anyone's name."""

    def claimant(email: str, name: str) -> Claim:
        user = make_member(email, name)
        complimentary_pro_grant(user=user, until=timezone.now() + timedelta(days=30), actor=None)
        physician(user)
        studied(user, activity)
        passed(user, activity)
        evaluated(user, activity)
        [claim] = credit_claim(user=user, activity=activity, credits=Decimal("1"))
        return claim

    idle = make_member("idle@example.org", "Ida Idle")  # an identity, no claim: read by no one's row
    LearnerIdentity.objects.create(user=idle, first_name="Ida", last_name="Idle", birth_month=1, birth_day=1, npi=NPI)
    first = claimant("anna@example.org", "Anna A")
    nameless = claimant("bert@example.org", "Bert B")  # no identity: not reportable
    last = claimant("cleo@example.org", "Cleo C")
    [own] = credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    assert first.user_id < nameless.user_id < last.user_id
    for claim, given in ((last, "Cleo"), (first, "Anna"), (own, "Paul")):
        identity = identity_for(claim.user)
        LearnerIdentity.objects.filter(pk=identity.pk).update(first_name=given)
    Claim.objects.update(completed_at=datetime(2026, 6, 1, 15, 0, tzinfo=UTC))
    text, summary = export()
    sent = {r["Activity"]["Module"]["CreditCertificate"][0]["CreditID"].rsplit(":", 1)[1]: r for r in records(text)}
    assert {claim_id: r["Member"]["Name"]["GivenName"] for claim_id, r in sent.items()} == {
        str(first.certificate_id): "Anna",
        str(last.certificate_id): "Cleo",
        str(own.certificate_id): "Paul",
    }
    assert summary.learners == {first.user_id, last.user_id, own.user_id}


@pytest.mark.parametrize(
    "record",
    [
        {"Member": {"Name": {"GivenName": 'Zoë "XtensibleInfo":{'}}, "XtensibleInfo": {"ProviderID": "0012345"}},
        {"A": [1.5, None, "\u2028"], "XtensibleInfo": {"ProviderID": "x", "Z": {"XtensibleInfo": {}}}},
    ],
)
def test_the_action_is_added_to_the_canonical_text_as_to_the_record(record):
    from preceptor.cme.pars import canonical, json_with_action, with_action

    for action in ("add", "delete"):
        assert json.loads(json_with_action(canonical(record), record, action)) == with_action(record, action)
    with pytest.raises(ValueError):
        json_with_action(json.dumps(record), record, "add")


def test_each_exported_record_is_the_canonical_text_of_its_claim_byte_for_byte(provider, monkeypatch):
    """The exporter writes a record by filling its activity's template with the learner's and the claim's parts,
    from the values the database driver gives (``pars._template``, ``pars._rows``): each record, in JSON, XML and
    TSV, and the text and fingerprint remembered as sent, must be exactly what ``learner_record`` makes of the
    model instances, whatever the names (non-ASCII, quotes, braces, backslashes, a line separator, a character
    beyond the BMP), whichever identifier a learner has (an NPI, a licence only, a board id only, none), for
    several activities of two providers, microseconds and both sides of a change of US Central time. A correction
    and a revocation then send the remembered text back as a delete."""
    import hashlib
    from functools import partial

    from preceptor.accounts.models import User
    from preceptor.catalog.models import Course
    from preceptor.cme import pars
    from preceptor.cme.models import Activity, OutcomeMeasure, Provider

    other = Provider.objects.create(
        name='Ärztekammer "Nord" {CME}', is_accredited=True, accme_provider_id="0054321", reporting_domain="aek-nord"
    )
    activities = []
    for n, (title, by) in enumerate(
        (
            ('Cardiología {básica} "2026" \\ ☤', provider),
            ("Plain rhythms", provider),
            ("Herz 🫀 und\u2028Kreislauf {{0}} %s", other),
        )
    ):
        course = Course.objects.create(slug=f"edge-{n}", title=title, summary="s", is_published=True)
        activities.append(
            Activity.objects.create(
                course=course,
                release_date=datetime(2026, 1, 1).date(),
                expiration_date=datetime(2028, 12, 31).date(),
                accredited_provider=by,
                accme_activity_id=f"2026{n:05d}",
                ama_max_credits=Decimal("20"),
                learning_objectives="Recognise the rhythm",
                outcome_measures=[OutcomeMeasure.KNOWLEDGE],
                is_published=True,
            )
        )
    identities = [
        None,  # no identity at all
        {"first_name": "Nemo", "last_name": "Nobody"},  # no identifier: not reportable
        {
            "first_name": "Zoë",
            "last_name": "O'Brien-Łukasiewicz {x}",
            "npi": NPI,  # sent rather than the licence
            "licences": [{"state": "NY", "number": "99887"}],
            "birth_year": 1980,
        },
        {"first_name": 'José "Pepe"', "last_name": "Núñez\\", "licences": [{"state": "CA", "number": "A12 345"}]},
        {"first_name": "李", "last_name": "小龙 🐉", "board_ids": [{"board": "ABIM", "id": "123456"}]},  # the last row
    ]
    moments = [
        datetime(2026, 3, 8, 7, 59, 59, 123456, tzinfo=UTC),  # 01:59:59 CST, the microseconds dropped
        datetime(2026, 3, 8, 8, 0, tzinfo=UTC),  # 03:00 CDT
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 CDT, the first of the two
        datetime(2026, 11, 1, 7, 30, tzinfo=UTC),  # 01:30 CST, the second
    ]
    credits = [Decimal("1"), Decimal("0.25"), Decimal("1.75"), Decimal("12.50")]
    claims = []
    for n, fields in enumerate(identities):
        user = User.objects.create(email=f"edge{n}@example.org", full_name=f"Edge {n}", password="!")
        if fields is not None:
            LearnerIdentity.objects.create(user=user, birth_month=7, birth_day=4, pars_consent_at=NOW, **fields)
        for k, activity in enumerate(activities):
            claims.append(
                Claim.objects.create(
                    user=user,
                    activity=activity,
                    credit_type="ama",
                    claimed_credits=credits[(n + k) % len(credits)],
                    minutes=60,
                    completed_at=moments[(n + k) % len(moments)],
                    learner_name=f"Edge {n}",
                )
            )

    def expected(fmt: str, action: str, ids: list[int]) -> tuple[str, dict[int, str]]:
        """The export of the claims ``ids`` written from records made of model instances; and their texts."""
        out, texts = io.StringIO(), {}
        writer = pars._Writer(out, fmt, pars.reporting_datetime(NOW))
        writer.open()
        for claim in Claim.objects.filter(pk__in=ids).order_by("user_id", "pk"):
            activity = Activity.objects.select_related("course", "accredited_provider").get(pk=claim.activity_id)
            record = pars.learner_record(claim, LearnerIdentity.objects.get(user=claim.user_id), activity)
            texts[claim.pk] = text = pars.canonical(record)
            info = pars.canonical(record["XtensibleInfo"])
            writer.write(pars.Change(claim.pk, claim.user_id, action, text, "", info, partial(pars._given, record)))
        writer.close()
        return out.getvalue(), texts

    reportable_ids = [c.pk for c in claims if c.user.email not in {"edge0@example.org", "edge1@example.org"}]
    revoked = Claim.objects.get(pk=reportable_ids[1])
    Claim.objects.filter(pk=revoked.pk).update(revoked_at=NOW)  # revoked before it was ever sent: nothing to send
    reportable_ids.remove(revoked.pk)
    for fmt in ("json", "xml", "tsv"):
        want, _texts = expected(fmt, "add", reportable_ids)
        assert export(fmt=fmt, record=False)[0] == want
        with monkeypatch.context() as patched:  # each record encoded whole, as for an activity whose text holds a mark
            patched.setattr(pars, "_template", lambda activity: None)
            assert export(fmt=fmt, record=False)[0] == want
    want, texts = expected("json", "add", reportable_ids)
    text, summary = export()
    assert text == want and summary.added == len(reportable_ids) == 8
    assert json.loads(text)  # still one JSON document
    sent = {r.claim_id: r for r in ParsRecord.objects.all()}
    assert sorted(sent) == sorted(texts)
    for claim_id, record_text in texts.items():
        assert sent[claim_id].fingerprint == hashlib.sha256(record_text.encode()).hexdigest()
        assert pars.canonical(sent[claim_id].record) == record_text

    amended, withdrawn = Claim.objects.get(pk=reportable_ids[0]), Claim.objects.get(pk=reportable_ids[-1])
    Claim.objects.filter(pk=amended.pk).update(claimed_credits=Decimal("0.5"))
    Claim.objects.filter(pk=withdrawn.pk).update(revoked_at=NOW)
    text, summary = export()
    deletes = [pars.json_with_action(texts[pk], json.loads(texts[pk]), "delete") for pk in (amended.pk, withdrawn.pk)]
    added, _ = expected("json", "add", [amended.pk])
    [readded] = records(added)
    assert records(text) == [json.loads(deletes[0]), readded, json.loads(deletes[1])]
    assert deletes[0] in text and deletes[1] in text
    assert (summary.added, summary.deleted) == (1, 2)
