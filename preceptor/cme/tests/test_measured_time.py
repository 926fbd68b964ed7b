"""A claim is commensurate with the learning time measured in the course's lessons (decision 0020): above it,
plus a quarter hour's tolerance, it is refused unless the learner says how they spent the rest of the time, and
that reason is kept with the claim, in its audit row and in the report to the joint provider."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from preceptor.catalog.models import Lesson, LessonProgress
from preceptor.catalog.services import lesson_complete, lesson_open, progress_record
from preceptor.cme.models import Claim
from preceptor.cme.reports import learner_rows
from preceptor.cme.services import claim_amend, credit_claim
from preceptor.cme.tests.conftest import evaluated, passed, physician, studied
from preceptor.core.models import AuditEvent

REASON = "I worked through the printed handout and the reference tables on the ward, away from the screen."


@pytest.fixture
def hurried(pro_member, activity):
    """The audit's case: a 17-second video watched, and the reading and the handout marked done within one
    second; the post-test passed and the evaluation filled in."""
    physician(pro_member)
    video, reading, handout = Lesson.objects.filter(course=activity.course).order_by("module__position", "position")
    start = timezone.now() - timedelta(minutes=5)
    lesson_open(user=pro_member, lesson=video, now=start)
    progress_record(user=pro_member, lesson=video, position=17, watched_delta=17, now=start + timedelta(seconds=17))
    lesson_complete(user=pro_member, lesson=reading, now=start + timedelta(seconds=17.5))
    lesson_complete(user=pro_member, lesson=handout, now=start + timedelta(seconds=18))
    passed(pro_member, activity)
    evaluated(pro_member, activity)
    return pro_member


def claim_post(client, activity, credits: str, reason: str = ""):
    return client.post(
        activity.get_absolute_url(),
        {
            "identity": "1",
            "identity-first_name": "Paul",
            "identity-last_name": "Pro",
            "claim-credits": credits,
            "claim-reason": reason,
            "claim-confirm": "on",
        },
    )


def test_a_claim_above_the_measured_time_is_refused(hurried, activity, client):
    with pytest.raises(ValidationError) as refused:
        credit_claim(user=hurried, activity=activity, credits=Decimal("2"))
    assert refused.value.code == "measured"
    client.force_login(hurried)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Your measured learning time (video watched, time on readings) is 0 minutes" in page
    assert 'name="claim-credits" value=' not in page  # under a quarter hour measured: nothing is suggested
    response = claim_post(client, activity, "2")
    assert response.status_code == 200
    errors = response.content.decode().split('id="id_claim-credits_error"', 1)[1].split("</ul>", 1)[0]
    assert "Your measured learning time is 0 minutes, which supports at most 0.25 credits" in errors  # by the field
    assert not Claim.objects.exists()
    assert claim_post(client, activity, "2", reason="I read a lot.").status_code == 200  # not a reason
    assert not Claim.objects.exists()


def test_the_measured_time_and_a_quarter_hour_of_tolerance_are_claimed_without_a_reason(hurried, activity):
    [claim] = credit_claim(user=hurried, activity=activity, credits=Decimal("0.25"))
    assert claim.measured_minutes == 0 and claim.time_reason == ""


def test_a_claim_above_the_measured_time_with_a_reason_is_accepted_and_the_reason_kept(hurried, activity, client):
    client.force_login(hurried)
    response = claim_post(client, activity, "2", reason=REASON)
    assert response.status_code == 302
    claim = Claim.objects.get(user=hurried)
    assert claim.claimed_credits == Decimal("2") and claim.measured_minutes == 0 and claim.time_reason == REASON
    audit = AuditEvent.objects.get(action="cme.claim_created")
    assert audit.data["time_reason"] == REASON and audit.data["measured_minutes"] == 0
    today = timezone.localdate()
    [row] = learner_rows("joint_provider", today - timedelta(days=1), today)
    assert row["reason_above_time_on_record"] == REASON and row["time_on_record_minutes"] == 0


def test_correcting_a_claim_upwards_needs_its_own_reason(ready, activity):
    studied(ready, activity, minutes=30)  # 30 + 15 minutes → 0.75 credits without a reason
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("0.75"))
    with pytest.raises(ValidationError):
        claim_amend(claim=claim, credits=Decimal("1.5"), actor=ready)
    claim_amend(claim=claim, credits=Decimal("1.5"), actor=ready, reason=REASON)
    claim.refresh_from_db()
    assert claim.claimed_credits == Decimal("1.5") and claim.time_reason == REASON
    claim_amend(claim=claim, credits=Decimal("1.25"), actor=ready)  # lower: the reason given still explains it
    claim.refresh_from_db()
    assert claim.claimed_credits == Decimal("1.25") and claim.time_reason == REASON


@pytest.mark.django_db
def test_the_demo_member_claims_no_more_than_the_measured_time_supports():
    import io

    from django.core.management import call_command

    from preceptor.cme.eligibility import measured_ceiling

    call_command("seed_demo", "--force", stdout=io.StringIO())
    claim = Claim.objects.get(user__email="pro@example.com", credit_type="ama")
    progress = LessonProgress.objects.filter(user=claim.user, lesson__course=claim.activity.course)
    assert claim.measured_minutes == int(sum(p.measured_seconds for p in progress) // 60) > 0
    assert all(p.measured_seconds > 0 for p in progress)  # every lesson: the video watched, each reading read
    assert claim.time_reason == "" and claim.claimed_credits <= measured_ceiling(claim.measured_minutes)
