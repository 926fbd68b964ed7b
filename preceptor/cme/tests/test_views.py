"""Every CME page only reads on GET: no row of any model is created or deleted by showing a page."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps

from preceptor.catalog.models import Course
from preceptor.cme.models import Activity, Claim
from preceptor.cme.services import credit_claim
from preceptor.cme.tests.conftest import evaluated, make_activity, passed, studied
from preceptor.core.models import AuditEvent
from preceptor.quizzes.models import Quiz

# The session is the login's. (The analytics request log needs no exception: the middleware only buffers its
# rows in memory, and tests flush the buffer themselves.)
NOT_COUNTED = {"sessions.Session"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in NOT_COUNTED
    }


@pytest.fixture
def scene(ready, activity: Activity, provider, staff) -> SimpleNamespace:
    """``ready`` holds a certificate for ``claimed`` and may claim ``activity``; ``fresh`` has no evaluation
    questions stored yet (an activity staff never edited) and the member has not evaluated it."""
    course = Course.objects.create(slug="claimed", title="Claimed", summary="s", is_published=True)
    Quiz.objects.create(course=course, title="Post-test", slug="post-test")
    claimed = make_activity(course, provider, accme_activity_id="202600002")
    studied(ready, claimed)
    passed(ready, claimed)
    evaluated(ready, claimed)
    [claim] = credit_claim(user=ready, activity=claimed, credits=Decimal("1"))
    fresh = make_activity(
        Course.objects.create(slug="fresh", title="Fresh", summary="s", is_published=True),
        provider,
        accme_activity_id="202600003",
    )
    fresh.evaluation_questions.all().delete()
    return SimpleNamespace(member=ready, staff=staff, activity=activity, claimed=claimed, fresh=fresh, claim=claim)


PAGES = {
    "evaluation page": ("member", lambda s: s.fresh.get_absolute_url(), "Submit the evaluation"),
    "claim page": ("member", lambda s: s.activity.get_absolute_url(), "Claim credit and issue my certificate"),
    "claim page with a certificate": ("member", lambda s: s.claimed.get_absolute_url(), "Download certificate"),
    "transcript": ("member", lambda s: "/cme/", "Claimed"),
    "transcript CSV": ("member", lambda s: "/cme/?format=csv", "Claimed"),
    "transcript PDF": ("member", lambda s: "/cme/?format=pdf", ""),
    "identity page": ("member", lambda s: "/cme/identity/", "Details for CME reporting"),
    "certificate PDF": ("member", lambda s: f"/cme/certificates/{s.claim.certificate_id}.pdf", ""),
    "certificate verification": ("anonymous", lambda s: s.claim.get_absolute_url(), "Valid certificate"),
    "staff report page": ("staff", lambda s: "/staff/cme/", "Certificate id"),
    "staff evaluation export": ("staff", lambda s: f"/staff/cme/activities/{s.claimed.pk}/evaluations/", "bias"),
}
# Staff reading members' data leave exactly one audit row (who looked), and nothing else changes.
AUDITED = {"staff evaluation export": "cme.evaluations_exported"}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_get_of_every_cme_page_writes_no_row(client, scene, page):
    who, url, shows = PAGES[page]
    if who != "anonymous":
        client.force_login(getattr(scene, who))
    before = row_counts()
    response = client.get(url(scene))
    assert response.status_code == 200
    assert shows in (b"".join(response) if response.streaming else response.content).decode(errors="replace")
    after = row_counts()
    if page in AUDITED:
        assert after.pop("core.AuditEvent") == before.pop("core.AuditEvent") + 1
        assert AuditEvent.objects.latest("id").action == AUDITED[page]
    assert after == before


def test_the_evaluation_page_shows_the_default_items_before_any_are_stored(client, scene):
    client.force_login(scene.member)
    html = client.get(scene.fresh.get_absolute_url()).content.decode()
    assert "This objective was met: Recognise atrial fibrillation" in html
    assert "Did you perceive any commercial bias?" in html
    assert not scene.fresh.evaluation_questions.exists()
    assert not Claim.objects.filter(activity=scene.fresh).exists()
