"""The member's data page: the export is readable (overview, photo, answers as text), deleting the account says
what happens, mails a confirmation and shows a notice while pending, and the ledger groups identical rows."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from preceptor.cme.models import EvaluationResponse, Provider
from preceptor.cme.tests.conftest import make_activity
from preceptor.privacy import registry
from preceptor.privacy.models import DataRequest
from preceptor.privacy.selectors import data_export_build, pending_erasure, readable_html
from preceptor.privacy.services import data_request_receive, disclosures_record, erasure_perform, erasure_request
from preceptor.quizzes.models import Question, Quiz
from preceptor.quizzes.services import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db
PHOTO = b"\xff\xd8\xff\xe0 a member's photo \xff\xd9"


def export(user) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data_export_build(user=user)))


def test_the_export_holds_the_profile_photo_itself_listed_with_its_checksum(learner):
    learner.profile.avatar.save("face.jpg", ContentFile(PHOTO))
    archive = export(learner)
    assert archive.read("profiles/photo.jpg") == PHOTO
    assert "profiles/photo.jpg" in json.loads(archive.read("manifest.json"))["files"]
    assert '<img src="profiles/photo.jpg"' in archive.read("index.html").decode()


def test_a_member_without_a_photo_gets_no_photo_file(learner):
    assert not [name for name in export(learner).namelist() if name.startswith("profiles/")]


def test_quiz_answers_are_exported_as_the_questions_and_options_the_member_saw(learner, course):
    quiz = Quiz.objects.get(course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    single = Question.objects.get(quiz=quiz, kind="single")
    chosen = single.options.get(text="60/min")
    attempt_submit(attempt=attempt, answers={single.pk: {chosen.pk}})

    answers = json.loads(export(learner).read("quizzes.json"))["quiz_attempts"][0]["answers"]
    mine = next(a for a in answers if a["question"] == "Rate with 4 large squares?")
    assert mine == {"question": "Rate with 4 large squares?", "your_answer": ["60/min"], "correct": False}
    assert {a["question"] for a in answers} == set(Question.objects.filter(quiz=quiz).values_list("text", flat=True))
    assert all(isinstance(text, str) for a in answers for text in a["your_answer"])


def test_evaluation_answers_are_exported_as_question_and_answer_text(learner, course):
    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    activity = make_activity(course, provider)
    EvaluationResponse.objects.create(
        user=learner,
        activity=activity,
        submitted_at=timezone.now(),
        answers={
            "17": {"question": "Were the objectives met?", "topic": "objective", "value": "4"},
            "18": {"question": "Did you see bias?", "topic": "bias", "value": "yes", "comment": "Slide 3."},
        },
    )
    evaluation = json.loads(export(learner).read("cme.json"))["evaluations"][0]
    assert evaluation["answers"] == [
        {"question": "Were the objectives met?", "answer": "4"},
        {"question": "Did you see bias?", "answer": "yes", "comment": "Slide 3."},
    ]
    assert "Slide 3." in export(learner).read("index.html").decode()


def test_the_overview_names_each_part_in_words_and_shows_the_data_not_model_names(learner, course):
    attempt_submit(attempt=attempt_start(user=learner, quiz=Quiz.objects.get(course=course)), answers={})
    html = export(learner).read("index.html").decode()
    for title in ("Your account", "Your profile", "Quizzes and post-tests", "Privacy choices"):
        assert f">{title}" in html
    headings = re.findall(r"<h2>(.*?)</h2>", html) + re.findall(r"<tr><td>(.*?)</td>", html)
    for app in registry.registry():
        for declaration in app.declarations:  # "quizzes.Attempt", "accounts.User", … name no part or row
            assert not [h for h in headings if declaration.label in h]
    assert "<td>Quizzes and post-tests: Quiz attempts</td>" in html
    assert "Rate with 4 large squares?" in html and learner.email in html
    assert "<table>" in html and "{&#x27;" not in html and "[{" not in html  # tables, not dumped JSON


def test_the_overview_escapes_what_members_typed(learner):
    learner.full_name = "<script>alert(1)</script>"
    learner.save()
    html = export(learner).read("index.html").decode()
    assert "<script>" not in html and "&lt;script&gt;" in html


# --- Deleting the account -------------------------------------------------------------------------------------
def test_asking_for_deletion_mails_the_date_what_goes_what_stays_and_how_to_cancel(
    learner, django_capture_on_commit_callbacks
):
    learner.time_zone = "Europe/Vienna"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = erasure_request(user=learner)
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert "will be deleted" in message.subject
    local = timezone.localtime(request.scheduled_for, learner.zone)
    assert f"{local:%H:%M}" in message.body.replace("\u202f", " ") or local.strftime("%-I:%M") in message.body
    assert "Europe/Vienna" in message.body
    assert reverse("privacy:data") in message.body
    assert "Keep my account" in message.body and "CME credit" in message.body
    assert "You have been signed out everywhere." in message.body


def test_a_deletion_received_by_letter_is_confirmed_by_mail_too_without_claiming_a_sign_out(
    learner, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        data_request_receive(user=learner, kind="erasure", actor=staff)
        data_request_receive(user=learner, kind="export", actor=staff)
    (message,) = mail.outbox
    assert message.to == [learner.email] and "will be deleted" in message.subject
    assert "signed out" not in message.body


def test_the_erasure_mails_what_was_kept_to_the_address_the_account_had(
    learner, course, django_capture_on_commit_callbacks
):
    attempt_submit(attempt=attempt_start(user=learner, quiz=Quiz.objects.get(course=course)), answers={})
    address = learner.email
    request = erasure_request(user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_perform(request=request)
    message = mail.outbox[-1]
    assert message.to == [address]
    assert "has been deleted" in message.subject
    assert "Quiz attempts (1)" in message.body


def test_a_pending_deletion_shows_a_notice_on_every_page_and_keeping_the_account_cancels_it(client, learner):
    erasure_request(user=learner)
    client.force_login(learner)  # signing in again is how a member cancels
    page = client.get(reverse("accounts:account")).content.decode()
    assert "erasure-notice" in page and "Your account will be deleted on" in page
    data_page = client.get(reverse("privacy:data")).content.decode()
    assert "erasure-notice" not in data_page and "Keep my account" in data_page  # the page's own box instead
    response = client.post(reverse("privacy:data"), {"action": "cancel"})
    assert response.status_code == 302
    assert DataRequest.objects.get(kind="erasure").status == "cancelled"
    assert "erasure-notice" not in client.get(reverse("accounts:account")).content.decode()


def test_a_member_without_a_pending_deletion_sees_no_notice(client, learner):
    client.force_login(learner)
    assert "erasure-notice" not in client.get(reverse("accounts:account")).content.decode()


def test_the_deletion_wording_matches_what_erasure_does(client, learner):
    client.force_login(learner)
    page = client.get(reverse("privacy:data")).content.decode()
    assert "7 days later" in page and "signed out everywhere" in page and "e-mail" in page
    assert "the answer lists them" not in page  # the member never saw that answer; a last e-mail lists them now


# --- The ledger -----------------------------------------------------------------------------------------------
def record(user, recipient="CME Consultants (joint provider)", when=None):
    disclosures_record(
        users=[user],
        recipient=recipient,
        recipient_role="controller",
        data_categories="name, quiz scores, credits",
        purpose="AMA PRA credit reporting",
        legal_basis="Contract",
        occurred_at=when,
    )


def test_identical_disclosures_are_one_line_with_how_often_and_the_last_time(client, learner):
    start = timezone.now() - timedelta(days=60)
    for days in (0, 20, 40):
        record(learner, when=start + timedelta(days=days))
    record(learner, recipient="Dr. Sam Teacher (your class)", when=start)
    client.force_login(learner)
    with time_machine.travel(timezone.now()):
        html = client.get(reverse("privacy:data")).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</tr>", html, re.S)
    ledger = [row for row in rows if "CME Consultants" in row or "Sam Teacher" in row]
    assert len(ledger) == 2
    assert "CME Consultants" in ledger[0]  # the most recent first
    assert "3 times" in ledger[0] and "once" in ledger[1]
    last = timezone.localtime(start + timedelta(days=40))
    assert last.strftime("%Y") in ledger[0] and str(last.day) in ledger[0]


def test_only_the_members_own_pending_erasure_is_pending(learner, outsider, django_assert_num_queries):
    """Asked on every page: one plain statement when there is none, the request read when there is."""
    now = timezone.now()
    for kind, status in (("export", "pending"), ("erasure", "cancelled"), ("erasure", "complete")):
        DataRequest.objects.create(user=learner, kind=kind, status=status, received_at=now, due_at=now)
    erasure_request(user=outsider)
    with django_assert_num_queries(1):
        assert pending_erasure(learner) is None
    pending = erasure_request(user=learner)
    with django_assert_num_queries(2):
        assert pending_erasure(learner) == pending
    assert pending_erasure(outsider).user == outsider


def test_the_overview_writes_each_kind_of_cell_as_a_member_reads_it():
    data = {
        "rows": [
            {"when": "2026-11-30T09:15:07+00:00", "day": "2026-11-30", "n": 61, "ok": True, "note": "<b>x</b> & y"},
            {"when": None, "day": "", "n": 0, "ok": False, "note": "2026-13-99T99:99 is no date", "extra": [1, "a"]},
        ],
        "record": {"first_name": "Ada", "tags": ["<i>", "2026-11-30T23:30:00+00:00"], "empty": {}},
    }
    with timezone.override("Europe/Vienna"):
        html = readable_html(data)
    assert "<th>When</th><th>Day</th><th>N</th><th>Ok</th><th>Note</th><th>Extra</th>" in html
    assert (
        "<td>2026-11-30 10:15</td><td>2026-11-30</td><td>61</td><td>yes</td><td>&lt;b&gt;x&lt;/b&gt; &amp; y</td>"
        in html
    )
    assert "<td>—</td><td>—</td><td>0</td><td>no</td><td>2026-13-99T99:99 is no date</td><td>1, a</td>" in html
    assert (
        "<dt>First name</dt><dd>Ada</dd><dt>Tags</dt><dd>&lt;i&gt;, 2026-12-01 00:30</dd><dt>Empty</dt><dd>—</dd>"
        in html
    )
