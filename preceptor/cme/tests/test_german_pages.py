"""Pages in German show no English leftovers in the catalogue's taxonomy, the accreditation box's labels, or the
member's disclosure ledger; the accreditation statements stay in the accreditors' exact English words.

The German texts asserted here are the catalogue's own (``locale/de``); a text it does not translate fails."""

from __future__ import annotations

import pytest
from django.utils import translation

from preceptor.classes.services import ROSTER_FIELDS
from preceptor.privacy.models import Disclosure
from preceptor.privacy.selectors import disclosures_grouped
from preceptor.privacy.services import disclosures_record

pytestmark = pytest.mark.django_db

MSGIDS = (
    "Cardiology",
    "Enduring material",
    "The accreditation statements below are given in English, in the exact words the accreditors require.",
    "Teaching the class you signed up for",
    "Name and e-mail address",
    "Contract (GDPR art. 6(1)(b)); the teacher agreed not to misuse it",
)


@pytest.fixture
def german():
    """The catalogue's German for each text the pages must show translated; an untranslated one fails here."""
    with translation.override("de"):
        wording = {msgid: translation.gettext(msgid) for msgid in MSGIDS}
    assert [msgid for msgid, text in wording.items() if text == msgid] == []
    return wording


def german_page(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and response["Content-Language"] == "de"
    return response.content.decode()


def test_specialties_show_in_german_on_the_catalogue_and_the_course_page(client, course, german):
    listing = german_page(client, "/courses/")
    assert german["Cardiology"] in listing and ">Cardiology<" not in listing
    assert f'<option value="cardiology">{german["Cardiology"]}</option>' in listing
    page = german_page(client, course.get_absolute_url())
    assert f"· {german['Cardiology']}" in page


def test_the_accreditation_box_labels_are_german_and_the_statements_stay_exact_english(client, activity, german):
    page = german_page(client, activity.course.get_absolute_url())
    assert german["Enduring material"] in page and "Freigabedatum" in page
    assert (
        german["The accreditation statements below are given in English, in the exact words the accreditors require."]
        in page
    )
    assert '<div class="statements" lang="en">' in page
    assert "designates this enduring material for a maximum of 2" in page  # the AMA's words, unchanged
    with translation.override("en"):
        english = client.get(activity.course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "statements-note" not in english


def test_the_disclosure_ledger_shows_the_codes_texts_in_german(client, learner, german):
    disclosures_record(
        users=[learner],
        recipient="Dr. Example (teacher of “Heart Rhythm Basics”)",
        recipient_role=Disclosure.Role.CONTROLLER,
        data_categories=ROSTER_FIELDS,
        purpose="Teaching the class you signed up for",
        legal_basis="Contract (GDPR art. 6(1)(b)); the teacher agreed not to misuse it",
        channel="roster",
    )
    client.force_login(learner)
    page = german_page(client, "/settings/data/")
    for msgid in ("Teaching the class you signed up for", "Name and e-mail address"):
        assert german[msgid] in page and msgid not in page
    with translation.override("de"):
        (line,) = disclosures_grouped(user=learner)
    basis = "Contract (GDPR art. 6(1)(b)); the teacher agreed not to misuse it"
    assert line["legal_basis"] == german[basis] and line["transfer_country"] == ""
    assert "Eigenständig Verantwortlicher" in page  # the recipient's role, already in the catalogue
    assert "Dr. Example (teacher of “Heart Rhythm Basics”)" in page  # a name is not translated
