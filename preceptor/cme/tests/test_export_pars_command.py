"""``manage.py export_pars``: a year with nothing to send writes nothing (PARS refuses a learner file without
records), and what was sent is recorded only once the document is in place."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from preceptor.cme.models import LearnerIdentity, ParsRecord
from preceptor.cme.pars import REPORTING_ZONE
from preceptor.cme.services import credit_claim, pars_consent_set
from preceptor.privacy.models import Disclosure

SCHEMA = json.loads((Path(__file__).parent / "pars-learner-reports.schema_v0_5.json").read_text())
NPI = "1234567893"


def this_year() -> int:
    return timezone.now().astimezone(REPORTING_ZONE).year


def run(*args: str, **options: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_pars", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def reported(ready, activity):
    """A consenting physician's AMA claim completed now (this year)."""
    identity = LearnerIdentity.objects.create(
        user=ready, first_name="Paul", last_name="Pro", birth_month=4, birth_day=9, npi=NPI
    )
    pars_consent_set(identity=identity, consent=True)
    return credit_claim(user=ready, activity=activity, credits=activity.ama_max_credits)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.django_db
def test_a_year_with_nothing_to_report_says_so_and_writes_nothing(fmt, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"pars.{fmt}"
    out, err = run("--year", str(this_year()), "--format", fmt, "--output", str(target))
    assert not target.exists() and out == ""
    assert f"No completions to report for {this_year()}" in err and "nothing written" in err
    out, err = run("--year", str(this_year()), "--format", fmt)  # to standard output: nothing either
    assert out == "" and "nothing written" in err
    assert list(folder.iterdir()) == []  # no temporary file left behind
    assert not ParsRecord.objects.exists() and not Disclosure.objects.exists()


@pytest.mark.django_db
def test_nothing_to_report_leaves_an_existing_file_alone_and_a_dry_run_writes_nothing(reported, tmp_path):
    previous = tmp_path / "pars.json"
    previous.write_text("earlier export", encoding="utf-8")
    _out, err = run("--year", str(this_year() + 1), "--output", str(previous), "--dry-run")
    assert previous.read_text(encoding="utf-8") == "earlier export" and "nothing written" in err


@pytest.mark.django_db
def test_a_year_with_completions_goes_to_standard_output_and_validates(reported):
    out, err = run("--year", str(this_year()))
    jsonschema.validate(json.loads(out), SCHEMA, format_checker=jsonschema.FormatChecker())
    assert f"{this_year()}: 1 add, 0 delete, 1 learners" in err
    assert ParsRecord.objects.count() == 1
    out, err = run("--year", str(this_year()))  # sent: nothing new
    assert out == "" and "nothing written" in err and ParsRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_document_that_cannot_be_put_in_place_is_not_recorded_as_sent(reported, tmp_path, monkeypatch):
    def refuse(*args: object) -> None:
        raise PermissionError("read-only")

    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr("preceptor.cme.management.commands.export_pars.os.replace", refuse)
    with pytest.raises(CommandError, match="Could not write the PARS file"):
        run("--year", str(this_year()), "--output", str(folder / "pars.json"))
    assert list(folder.iterdir()) == []
    assert not ParsRecord.objects.exists() and not Disclosure.objects.exists()
    with pytest.raises(CommandError, match="Could not write"):
        run("--year", str(this_year()), "--output", str(tmp_path / "missing" / "pars.json"))
