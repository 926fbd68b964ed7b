"""Claim rules: docs/requirements.md, CME requirements 3–11, 16, 18–20, 23, 31–33, 36."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from preceptor.cme.models import Activity, Claim, FacultyDisclosure, Provider, RequirementStatus
from preceptor.cme.services import ClaimRefused, claim_amend, claim_revoke, credit_claim, evaluation_questions_ensure
from preceptor.cme.tests.conftest import evaluated, make_activity, passed, physician, studied
from preceptor.core.models import AuditEvent
from preceptor.profiles.models import Profession
from preceptor.quizzes.models import Quiz


def test_req03_claim_cap_rejects_claims_above_the_maximum(ready, activity, client):
    with pytest.raises(ValidationError):
        credit_claim(user=ready, activity=activity, credits=Decimal("2.25"))
    assert not Claim.objects.exists()
    client.force_login(ready)
    response = client.post(
        activity.get_absolute_url(),
        {
            "identity": "1",
            "identity-first_name": "Paul",
            "identity-last_name": "Pro",
            "claim-credits": "2.25",
            "claim-confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "at most 2 credits" in response.content.decode()
    assert not Claim.objects.exists()  # refused, not clamped


def test_req04_claim_commensurate_default_is_recorded_time_and_certificate_shows_claimed(pro_member, activity, client):
    from preceptor.catalog.models import Module
    from preceptor.catalog.services import lesson_complete, lesson_create, lesson_open, reading_time_record

    physician(pro_member)
    passed(pro_member, activity)
    evaluated(pro_member, activity)
    module = Module.objects.filter(course=activity.course).first()
    reading = lesson_create(module=module, title="Long read", slug="long-read", kind="text", body="word " * 6000)
    assert reading.minutes == 30  # 6,000 words at 200 a minute: the label comes from the text
    start = timezone.now() - timedelta(hours=1)
    lesson_open(user=pro_member, lesson=reading, now=start)
    for second in range(15, 40 * 60 + 1, 15):  # 40 minutes with the page visible
        reading_time_record(user=pro_member, lesson=reading, now=start + timedelta(seconds=second))
    lesson_complete(user=pro_member, lesson=reading, now=start + timedelta(minutes=40, seconds=5))
    client.force_login(pro_member)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert 'name="claim-credits" value="0.50"' in page  # 40 minutes measured → 0.5, rounded down
    assert "Your measured learning time (video watched, time on readings) is 40 minutes" in page
    claims = credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))  # 40 + 15 minutes → 1.0
    assert claims[0].claimed_credits == Decimal("1") != activity.ama_max_credits
    assert claims[0].measured_minutes == 40 and claims[0].time_reason == ""
    verify = client.get(claims[0].get_absolute_url()).content.decode()
    assert "maximum of 2" not in verify.split("statements")[0]


def test_req05_pass_gate_needs_a_score_at_the_activity_threshold(pro_member, activity):
    physician(pro_member)
    evaluated(pro_member, activity)
    studied(pro_member, activity)
    passed(pro_member, activity, score="60.00")
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    assert any("70%" in m for m in refused.value.messages)
    activity.pass_threshold = 60  # configurable per activity
    activity.save()
    assert credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))


def test_req06_threshold_is_shown_on_the_course_page_and_the_quiz_start_screen(client, activity, pro_member):
    activity.pass_threshold = 80
    activity.save()
    course_page = client.get(activity.course.get_absolute_url()).content.decode()
    assert "Minimum passing score" in course_page and "80%" in course_page
    client.force_login(pro_member)
    quiz = Quiz.objects.get(course=activity.course)
    start = client.get(quiz.get_absolute_url()).content.decode()
    assert '<strong class="pass-mark">80%</strong>' in start


def test_req07_evaluation_gate_blocks_the_claim_until_submitted(pro_member, activity):
    physician(pro_member)
    studied(pro_member, activity)
    passed(pro_member, activity)
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    assert refused.value.messages == ["Fill in the evaluation first."]
    evaluated(pro_member, activity)
    assert credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))


def test_req08_default_evaluation_has_every_required_item_and_exports_per_activity(activity, ready, client, staff):
    topics = [q.topic for q in activity.evaluation_questions.all()]
    assert topics.count("objective") == len(activity.objectives) == 2
    assert {"relevance", "bias", "change", "satisfaction", "comments"} <= set(topics)
    bias = activity.evaluation_questions.get(topic="bias")
    assert bias.kind == "yes_no" and bias.comment_label
    change = activity.evaluation_questions.get(topic="change")
    assert change.kind == "yes_no" and "what" in change.comment_label.lower()
    client.force_login(staff)
    csv_text = client.get(f"/staff/cme/activities/{activity.pk}/evaluations/").content.decode()
    assert "Did you perceive any commercial bias?" in csv_text.splitlines()[0]
    assert len(csv_text.strip().splitlines()) == 2  # header + the one submission
    assert "pro@example.org" not in csv_text  # evaluations are exported without names


def test_req08_evaluation_form_asks_for_where_bias_was_seen(activity, pro_member, client):
    client.force_login(pro_member)
    data = {"evaluation": "1"}
    for q in activity.evaluation_questions.all():
        data[f"evaluation-q{q.pk}"] = "yes" if q.kind == "yes_no" else ("5" if q.kind != "text" else "")
    response = client.post(activity.get_absolute_url(), data)
    assert response.status_code == 200 and "Tell us where you saw bias" in response.content.decode()
    bias = activity.evaluation_questions.get(topic="bias")
    data[f"evaluation-q{bias.pk}_comment"] = "Slide 4 names one brand only."
    assert client.post(activity.get_absolute_url(), data).status_code == 302
    answers = activity.evaluations.get(user=pro_member).answers
    assert answers[str(bias.pk)]["comment"] == "Slide 4 names one brand only."


def test_req09_format_and_a_recording_is_a_separate_activity_with_its_own_eaccme_record(activity, provider, db):
    from preceptor.catalog.models import Course

    assert activity.format == Activity.Format.ENDURING and {"enduring", "live"} == set(Activity.Format.values)
    activity.eaccme_event_code = "LEE-2026-1"
    activity.save()
    recording = Course.objects.create(slug="recording", title="Recording", summary="s", is_published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(recording, provider, accme_activity_id="202600002", eaccme_event_code="LEE-2026-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(recording, provider, accme_activity_id="202600001")  # its own ACCME id too
    separate = make_activity(recording, provider, accme_activity_id="202600002", eaccme_event_code="ELM-2026-7")
    assert separate.pk != activity.pk


def test_req10_live_activity_without_attendance_cannot_be_claimed(ready, activity):
    activity.format = Activity.Format.LIVE
    activity.location = "Vienna"
    activity.live_starts_on = timezone.localdate()
    activity.full_clean()
    activity.save()
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    assert "no attendance record" in refused.value.messages[0]
    status = RequirementStatus.objects.get(user=ready, activity=activity, requirement="attendance")
    assert status.satisfied is False and status.reason == {"minutes": 0}


def test_req11_enduring_expiry_at_most_three_years_and_claims_after_expiry_refused(activity, ready, client):
    activity.expiration_date = activity.release_date + timedelta(days=3 * 366)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "expiration_date" in error.value.message_dict
    activity.refresh_from_db()
    page = client.get(activity.course.get_absolute_url()).content.decode()
    assert "Release date" in page and "Expiration date" in page
    with time_machine.travel(timezone.now() + timedelta(days=701)), pytest.raises(ClaimRefused) as refused:
        credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    assert any("Credit can be claimed from" in m for m in refused.value.messages)


@pytest.mark.parametrize(
    "profession, expected",
    [
        (Profession.PHYSICIAN_MD_DO, "ama"),
        (Profession.PHYSICIAN_OTHER, "ama"),
        (Profession.NURSE, "participation"),
        (Profession.PHARMACIST, "participation"),
        ("", "participation"),
    ],
)
def test_req16_ama_credit_only_for_physicians(pro_member, activity, profession, expected, client):
    physician(pro_member, profession)
    studied(pro_member, activity)
    passed(pro_member, activity)
    evaluated(pro_member, activity)
    [claim] = credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    assert claim.credit_type == expected
    page = client.get(claim.get_absolute_url()).content.decode()
    facts = page.split('<section class="small muted statements"')[0]
    assert ("AMA PRA Category 1 Credit" in facts) is (expected == "ama")


def test_req18_retention_claims_are_kept_and_pseudonymised_on_erasure(ready, activity):
    from preceptor.privacy.services import erasure_perform, erasure_request

    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    answer = erasure_perform(request=erasure_request(user=ready)).answer["kept"]
    kept = [line for lines in answer.values() for line in lines]
    claim.refresh_from_db()
    assert claim.learner_name == "Erased member" and claim.claimed_credits == Decimal("1.75")
    assert any("CME credit records" in line for line in kept)
    from preceptor.privacy.registry import registry

    declared = {d.label: d for app in registry() for d in app.declarations}
    assert declared["cme.Claim"].retention.startswith("6 years")
    assert declared["cme.Claim"].erasure == "pseudonymise"


def test_req19_audit_trail_for_create_amend_revoke(ready, activity, staff):
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    claim_amend(claim=claim, credits=Decimal("1.5"), actor=ready)
    claim_revoke(claim=claim, reason="Attendance could not be confirmed.", actor=staff)
    events = list(AuditEvent.objects.filter(target=f"cme.Claim:{claim.pk}").order_by("id"))
    assert [e.action for e in events] == ["cme.claim_created", "cme.claim_amended", "cme.claim_revoked"]
    assert [e.actor for e in events] == [ready, ready, staff]
    assert events[1].data["before"]["credits"] == "1.75" and events[1].data["after"]["credits"] == "1.50"
    assert all(e.created_at for e in events)
    with pytest.raises(TypeError):
        events[0].delete()


def test_req20_eligibility_records_each_requirement_with_a_reason(pro_member, activity):
    physician(pro_member)
    studied(pro_member, activity)
    passed(pro_member, activity, score="50.00")
    with pytest.raises(ClaimRefused):
        credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    statuses = {s.requirement: s for s in RequirementStatus.objects.filter(user=pro_member, activity=activity)}
    assert statuses["membership"].satisfied and statuses["physician"].satisfied and statuses["validity"].satisfied
    assert not statuses["quiz_pass"].satisfied and statuses["quiz_pass"].reason == {
        "best_score": "50.00",
        "threshold": 70,
    }
    assert not statuses["evaluation"].satisfied


def test_req23_activity_and_provider_ids(activity, provider):
    provider.accme_provider_id = "0000042"
    provider.full_clean()
    provider.save()
    provider.refresh_from_db()
    assert provider.accme_provider_id == "0000042"  # leading zeros kept
    for bad in ("42", "12345678", "00000a1"):
        provider.accme_provider_id = bad
        with pytest.raises(ValidationError):
            provider.full_clean()
    for bad in ("12345678", "1234567890", "12345678x"):
        activity.accme_activity_id = bad
        with pytest.raises(ValidationError):
            activity.full_clean()
    activity.accme_activity_id = "999999999"
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "cannot be changed" in str(error.value)


def test_req31_disclosures_block_publishing_and_show_before_content(course, provider, teacher, client):
    course.teachers.add(teacher)
    today = timezone.localdate()
    activity = Activity.objects.create(
        course=course,
        release_date=today,
        expiration_date=today + timedelta(days=30),
        accredited_provider=provider,
        ama_max_credits=Decimal("1"),
        learning_objectives="One",
        outcome_measures=["knowledge"],
    )
    activity.is_published = True
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "Prof. Tina Teacher" in str(error.value)
    disclosure = FacultyDisclosure.objects.create(
        activity=activity, user=teacher, full_name=teacher.full_name, status="relevant"
    )
    with pytest.raises(ValidationError):
        disclosure.full_clean()  # relevant relationships need details and mitigation
    disclosure.relationships = "Acme Pharma: advisory board (2025)"
    disclosure.mitigation = "Content reviewed by an independent reviewer."
    disclosure.disclosed_on = today
    disclosure.full_clean()
    disclosure.save()
    activity.full_clean()
    activity.save()
    page = client.get(course.get_absolute_url()).content.decode()
    assert page.index("Faculty disclosures") < page.index("Course outline") or "Acme Pharma" in page
    assert "Acme Pharma: advisory board (2025)" in page and "independent reviewer" in page


def test_req32_accredited_pages_carry_no_ad_slots(client, activity, pro_member, settings):
    settings.GOOGLE_ADS_ID = "AW-123456"
    settings.META_PIXEL_ID = "123456"
    client.force_login(pro_member)
    client.post("/privacy/consent/", {"action": "accept_all", "next": "/", "surface": "banner"})
    home = client.get("/").content.decode()
    assert 'data-ads="AW-123456"' in home and 'data-meta="123456"' in home  # ads do run on other pages
    lesson = activity.course.lessons.first()
    for url in (lesson.get_absolute_url(), activity.course.get_absolute_url()):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "AW-123456" not in html and 'data-meta="123456"' not in html and "data-ad-slot" not in html
        assert "connect.facebook.net" not in response["Content-Security-Policy"]


def test_req33_ecmec_claims_only_inside_the_eaccme_window(ready, activity):
    today = timezone.localdate()
    activity.eaccme_credits = Decimal("1.5")
    activity.eaccme_granted_on = today - timedelta(days=10)
    activity.eaccme_valid_until = today + timedelta(days=800)
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "2 years" in str(error.value)
    activity.eaccme_valid_until = today - timedelta(days=1)
    activity.save()
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    assert "EACCME® accreditation of this activity is not valid" in refused.value.messages[0]
    activity.eaccme_valid_until = today + timedelta(days=300)
    activity.save()
    claims = {c.credit_type: c for c in credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))}
    assert claims["ama"].claimed_credits == Decimal("1.75")
    assert claims["ecmec"].claimed_credits == Decimal("1.5")  # the accredited value caps the ECMEC® amount


def test_req36_membership_gate_and_certificates_stay_verifiable(ready, activity, client):
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    client.force_login(ready)
    assert client.get(f"/cme/certificates/{claim.certificate_id}.pdf").status_code == 200
    ready.complimentary_pro_until = timezone.now() - timedelta(days=1)
    ready.trial_ends_at = timezone.now() - timedelta(days=20)
    ready.save()
    response = client.get(f"/cme/certificates/{claim.certificate_id}.pdf")
    assert response.status_code == 302 and response["Location"] == "/cme/"
    client.logout()
    verify = client.get(f"/certificates/{claim.certificate_id}/")
    assert verify.status_code == 200 and "Valid certificate" in verify.content.decode()
    other = make_activity_for_second_claim(activity)
    studied(ready, other)
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=ready, activity=other, credits=Decimal("1"))
    assert "Pro membership" in refused.value.messages[0]


def make_activity_for_second_claim(activity):
    from preceptor.catalog.models import Course
    from preceptor.quizzes.models import Quiz as QuizModel

    course = Course.objects.create(slug="second", title="Second", summary="s", is_published=True)
    QuizModel.objects.create(course=course, title="Post-test", slug="post-test")
    return make_activity(course, activity.accredited_provider, accme_activity_id="202600009")


def test_a_trial_member_is_told_claiming_needs_pro_and_cannot_post(learner, activity, client):
    physician(learner)
    client.force_login(learner)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "need an active Pro membership" in page
    response = client.post(activity.get_absolute_url(), {"evaluation": "1"})
    assert response.status_code == 302 and response["Location"] == "/pricing/"
    assert not activity.evaluations.exists()


def test_evaluation_defaults_are_created_once_and_editable(activity):
    before = list(activity.evaluation_questions.values_list("pk", flat=True))
    evaluation_questions_ensure(activity=activity)
    assert list(activity.evaluation_questions.values_list("pk", flat=True)) == before


def test_a_claim_cannot_be_made_twice(ready, activity):
    credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    with pytest.raises(ClaimRefused):
        credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    assert Claim.objects.count() == 1


def test_provider_must_have_its_id_when_accredited(db):
    with pytest.raises(ValidationError):
        Provider(name="X", is_accredited=True).full_clean()


def test_req18_records_are_kept_six_years_then_deleted_by_the_retention_job(ready, activity):
    from preceptor.cme.models import EvaluationResponse
    from preceptor.privacy.services import retention_run
    from preceptor.quizzes.models import Attempt

    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    almost = timezone.now() + timedelta(days=6 * 365)  # less than 6 calendar years (leap days)
    run = retention_run(now=almost)
    assert run.counts["cme_claims_deleted"] == 0 and Claim.objects.filter(pk=claim.pk).exists()
    assert EvaluationResponse.objects.exists() and Attempt.objects.exists()
    run = retention_run(now=timezone.now() + timedelta(days=6 * 366 + 1))
    assert run.counts["cme_claims_deleted"] == 1
    assert not Claim.objects.exists() and not EvaluationResponse.objects.exists() and not Attempt.objects.exists()
    assert not RequirementStatus.objects.exists()


def test_staff_edit_accreditations_in_the_admin_and_publishing_explains_missing_disclosures(
    client, staff, activity, teacher
):
    client.force_login(staff)
    assert client.get("/admin/cme/activity/").status_code == 200
    assert client.get("/admin/cme/activity/add/").status_code == 200
    page = client.get(f"/admin/cme/activity/{activity.pk}/change/").content.decode()
    assert "readonly" in page and "202600001" in page  # the ACCME id can no longer be edited
    assert client.get("/admin/cme/claim/").status_code == 200
    activity.course.teachers.add(teacher)
    activity.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "Prof. Tina Teacher" in str(error.value)


def test_the_cached_accreditation_box_follows_every_change(client, activity):
    url = activity.course.get_absolute_url()
    assert "Dr. Rita Reviewer" in client.get(url).content.decode()
    disclosure = activity.disclosures.get()
    disclosure.full_name = "Dr. Rita Reviewer-Smith"
    disclosure.save()
    assert "Dr. Rita Reviewer-Smith" in client.get(url).content.decode()
    activity.accredited_provider.name = "CME Partners"
    activity.accredited_provider.save()
    assert "joint providership of CME Partners and Preceptor" in client.get(url).content.decode()
    activity.is_published = False
    activity.save()
    assert "Accredited CME" not in client.get(url).content.decode()
