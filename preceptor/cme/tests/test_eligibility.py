"""The claim rules as pure functions: docs/requirements.md, CME requirements 1–5, 7, 10, 11, 15, 16, 20, 33, 36.
No test here touches the database (pytest-django refuses database access without the ``db`` fixture)."""

from __future__ import annotations

import ast
import inspect
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from preceptor.cme import eligibility
from preceptor.cme.eligibility import (
    ActivityTerms,
    LearnerFacts,
    Requirement,
    amount_for,
    amount_refusal,
    completion_time,
    credit_types,
    decide,
    default_amount,
    eaccme_requirement,
    pass_requirement,
    validity_requirement,
)
from preceptor.cme.models import Activity
from preceptor.profiles.models import Profession

TODAY = date(2026, 6, 15)
MD = Profession.PHYSICIAN_MD_DO


def enduring(**overrides) -> ActivityTerms:
    fields = {
        "format": Activity.Format.ENDURING,
        "release_date": TODAY - timedelta(days=30),
        "expiration_date": TODAY + timedelta(days=700),
        "ama_max_credits": Decimal("2.00"),
        **overrides,
    }
    return ActivityTerms(**fields)


def live(**overrides) -> ActivityTerms:
    return enduring(format=Activity.Format.LIVE, **overrides)


def with_ecmec(terms: ActivityTerms, *, credits: str = "1.5", valid_until: date | None = None) -> ActivityTerms:
    return replace(
        terms,
        eaccme_credits=Decimal(credits),
        eaccme_granted_on=TODAY - timedelta(days=10),
        eaccme_valid_until=valid_until or TODAY + timedelta(days=300),
    )


DONE = datetime(2026, 6, 1, 12, tzinfo=UTC)
READY = LearnerFacts(
    membership="pro", profession=MD, best_score=Decimal("80.00"), best_attempt_at=DONE, evaluated_at=DONE
)


def unmet(terms: ActivityTerms, learner: LearnerFacts, today: date = TODAY) -> set[str]:
    return set(decide(terms, learner, today).unmet)


def test_req20_a_ready_physician_may_claim_when_every_requirement_holds():
    decision = decide(enduring(), READY, TODAY)
    assert decision.eligible and decision.refusals == ()
    assert decision.credit_types == ("ama",)
    assert [o.requirement for _, o in decision.outcomes] == [
        "membership",
        "published",
        "validity",
        "quiz_pass",
        "evaluation",
        "physician",
    ]
    assert all(o.satisfied for _, o in decision.outcomes)


def test_req20_each_outcome_carries_its_json_reason():
    reasons = {
        o.requirement: o.reason for _, o in decide(enduring(), replace(READY, membership="trial"), TODAY).outcomes
    }
    assert reasons[Requirement.MEMBERSHIP] == {"status": "trial"}
    assert reasons[Requirement.VALIDITY] == {"release": "2026-05-16", "expiration": "2028-05-15"}
    assert reasons[Requirement.QUIZ_PASS] == {"best_score": "80.00", "threshold": 70}
    assert reasons[Requirement.PHYSICIAN] == {"profession": MD}


def test_req20_one_unmet_requirement_refuses_the_whole_claim():
    decision = decide(with_ecmec(enduring(), valid_until=TODAY - timedelta(days=1)), READY, TODAY)
    assert decision.credit_types == ("ama", "ecmec")
    assert [e.eligible for e in decision.eligibilities] == [True, False]
    assert not decision.eligible
    assert decision.refusals == ("The EACCME® accreditation of this activity is not valid today.",)


def test_req20_a_requirement_unmet_for_two_credit_types_is_told_once():
    decision = decide(with_ecmec(enduring()), replace(READY, evaluated_at=None), TODAY)
    assert [len(e.unmet) for e in decision.eligibilities] == [1, 1]
    assert decision.refusals == ("Fill in the evaluation first.",)


def test_req36_claiming_needs_an_active_pro_membership():
    for status in ("trial", "trial_ended"):
        decision = decide(enduring(), replace(READY, membership=status), TODAY)
        assert decision.refusals == ("Claiming credit needs an active Pro membership.",)
        assert decision.unmet[Requirement.MEMBERSHIP].reason == {"status": status}


def test_an_unpublished_accreditation_cannot_be_claimed():
    assert unmet(enduring(is_published=False), READY) == {"published"}


@pytest.mark.parametrize(
    "today, ok",
    [
        (TODAY - timedelta(days=31), False),  # the day before the release date
        (TODAY - timedelta(days=30), True),  # the release date
        (TODAY + timedelta(days=700), True),  # the expiration date
        (TODAY + timedelta(days=701), False),  # the day after it
    ],
)
def test_req11_enduring_credit_is_claimed_from_release_to_expiration(today, ok):
    outcome = validity_requirement(enduring(), today)
    assert outcome.satisfied is ok
    assert outcome.message == "Credit can be claimed from 2026-05-16 to 2028-05-15."


@pytest.mark.parametrize(
    "score, threshold, ok",
    [(None, 70, False), ("69.99", 70, False), ("70.00", 70, True), ("100", 70, True), ("60.00", 60, True)],
)
def test_req05_the_pass_gate_is_the_activitys_own_threshold(score, threshold, ok):
    learner = replace(READY, best_score=Decimal(score) if score else None)
    outcome = pass_requirement(enduring(pass_threshold=threshold), learner)
    assert outcome.satisfied is ok
    assert outcome.reason == {"best_score": score, "threshold": threshold}
    assert f"at least {threshold}%" in outcome.message


def test_req07_no_credit_before_the_evaluation():
    assert unmet(enduring(), replace(READY, evaluated_at=None)) == {"evaluation"}


def test_req10_a_live_activity_needs_attendance_and_has_no_pass_gate_or_release_window():
    learner = replace(READY, best_score=None, attended_minutes=0)
    decision = decide(live(release_date=None, expiration_date=None), learner, TODAY)
    assert [o.requirement for _, o in decision.outcomes] == [
        "membership",
        "published",
        "attendance",
        "evaluation",
        "physician",
    ]
    assert decision.unmet[Requirement.ATTENDANCE].reason == {"minutes": 0}
    assert decide(live(), replace(learner, attended_minutes=38), TODAY).eligible


@pytest.mark.parametrize(
    "profession, expected",
    [
        (Profession.PHYSICIAN_MD_DO, ("ama", "ecmec")),
        (Profession.PHYSICIAN_OTHER, ("ama", "ecmec")),
        (Profession.NURSE, ("participation",)),
        (Profession.PHARMACIST, ("participation",)),
        ("", ("participation",)),
    ],
)
def test_req16_ama_credit_and_ecmec_for_physicians_participation_for_everyone_else(profession, expected):
    assert credit_types(with_ecmec(enduring()), profession) == expected
    assert credit_types(enduring(), profession) == expected[:1]


def test_req16_an_eaccme_only_activity_never_offers_ama_credit():
    terms = with_ecmec(enduring(ama_max_credits=None))
    assert credit_types(terms, MD) == ("ecmec",)
    assert credit_types(terms, Profession.NURSE) == ("participation",)
    assert terms.max_credits == Decimal("1.5")


def test_req16_a_non_physician_claims_participation_without_the_physician_requirement():
    decision = decide(enduring(), replace(READY, profession=Profession.NURSE), TODAY)
    assert decision.eligible and decision.credit_types == ("participation",)
    assert "physician" not in {o.requirement for _, o in decision.outcomes}


@pytest.mark.parametrize(
    "today, ok",
    [(TODAY - timedelta(days=11), False), (TODAY - timedelta(days=10), True), (TODAY + timedelta(days=301), False)],
)
def test_req33_ecmec_only_inside_the_eaccme_window(today, ok):
    outcome = eaccme_requirement(with_ecmec(enduring()), today)
    assert outcome.satisfied is ok
    assert outcome.reason == {"granted_on": "2026-06-05", "valid_until": "2027-04-11"}
    assert not eaccme_requirement(enduring(), TODAY).satisfied  # no accreditation dates at all


@pytest.mark.parametrize(
    "credits, code", [("1.3", "quantum"), ("0.10", "quantum"), ("0", "min"), ("-0.25", "negative")]
)
def test_req01_amounts_come_in_quarter_steps_above_zero(credits, code):
    refusal = amount_refusal(enduring(), Decimal(credits))
    assert refusal is not None and refusal.code == code


def test_req03_an_amount_above_the_designated_maximum_is_refused_not_clamped():
    assert amount_refusal(enduring(), Decimal("2.00")) is None
    refusal = amount_refusal(enduring(), Decimal("2.25"))
    assert refusal is not None and refusal.code == "max"
    assert refusal.message == "You can claim at most 2 credits for this activity."
    assert refusal.error().messages == [refusal.message]


def test_req10_a_live_amount_never_exceeds_the_attended_time_in_quarter_hours():
    terms = live()
    assert amount_refusal(terms, Decimal("0.75"), attended_minutes=38) is None  # 37.5 → 38 min → 0.75
    refusal = amount_refusal(terms, Decimal("1"), attended_minutes=38)
    assert refusal is not None and refusal.code == "attendance" and "at most 0.75" in refusal.message
    assert amount_refusal(enduring(), Decimal("1"), attended_minutes=38) is None  # enduring: time is not capped
    assert amount_refusal(terms, Decimal("1"), attended_minutes=0) is None  # no attendance: the requirement says so


def test_req15_the_ecmec_amount_follows_the_accredited_value_and_the_claim():
    terms = with_ecmec(enduring(), credits="1.5")
    assert amount_for(terms, "ama", Decimal("1.75")) == Decimal("1.75")
    assert amount_for(terms, "ecmec", Decimal("1.75")) == Decimal("1.5")
    assert amount_for(terms, "ecmec", Decimal("1.25")) == Decimal("1.25")


@pytest.mark.parametrize(
    "minutes, expected",
    [(0, None), (14, None), (15, "0.25"), (29, "0.25"), (44, "0.50"), (53, "0.75"), (60, "1.00"), (600, "2.00")],
)
def test_req04_the_suggested_amount_is_the_measured_time_rounded_down_and_never_above_the_maximum(minutes, expected):
    assert default_amount(enduring(), minutes) == (Decimal(expected) if expected else None)


def test_an_amount_above_the_measured_time_and_its_tolerance_needs_a_reason():
    # 20 measured minutes + 15 minutes' tolerance = 35 minutes → 0.5 credits (half up, requirement 2).
    assert amount_refusal(enduring(), Decimal("0.5"), measured_minutes=20) is None
    refusal = amount_refusal(enduring(), Decimal("0.75"), measured_minutes=20)
    assert refusal is not None and refusal.code == "measured"
    assert "measured learning time is 20 minutes" in refusal.message and "at most 0.5 credits" in refusal.message
    assert amount_refusal(enduring(), Decimal("0.75"), measured_minutes=20, reason="too short") is not None
    reason = "I read the handout on paper on the ward."
    assert amount_refusal(enduring(), Decimal("2"), measured_minutes=20, reason=reason) is None
    assert amount_refusal(enduring(), Decimal("2.25"), measured_minutes=20, reason=reason).code == "max"
    assert amount_refusal(enduring(), Decimal("2"), measured_minutes=None) is None  # nothing measured: live or none
    assert amount_refusal(live(), Decimal("0.75"), attended_minutes=38, measured_minutes=0) is None  # attendance


def test_a_second_claim_for_the_same_credit_type_is_refused():
    decision = decide(enduring(), replace(READY, claimed_types=frozenset({"ama"})), TODAY)
    assert not decision.eligible and "already claimed" in decision.refusals[0]
    assert decide(enduring(), replace(READY, claimed_types=frozenset({"participation"})), TODAY).eligible


def test_completion_is_when_the_last_requirement_was_met():
    evaluated = datetime(2026, 6, 2, tzinfo=UTC)
    assert completion_time(evaluated, None) == evaluated
    assert completion_time(evaluated, evaluated - timedelta(days=1)) == evaluated
    assert completion_time(evaluated, evaluated + timedelta(hours=1)) == evaluated + timedelta(hours=1)


def test_activity_terms_are_read_from_an_unsaved_activity_without_queries():
    activity = Activity(
        format=Activity.Format.ENDURING,
        release_date=TODAY,
        expiration_date=TODAY + timedelta(days=10),
        ama_max_credits=Decimal("1.5"),
        pass_threshold=80,
        is_published=True,
    )
    terms = ActivityTerms.of(activity)
    assert terms == enduring(
        release_date=TODAY,
        expiration_date=TODAY + timedelta(days=10),
        pass_threshold=80,
        ama_max_credits=Decimal("1.5"),
    )
    assert terms.max_credits == activity.max_credits


def test_the_rules_never_write():
    """eligibility.py only reads: no model write appears anywhere in its source."""
    tree = ast.parse(inspect.getsource(eligibility))
    writes = {"save", "create", "bulk_create", "update", "update_or_create", "get_or_create", "delete"}
    called = {
        node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not called & writes
