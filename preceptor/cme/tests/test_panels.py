"""What CME adds to the pages below it: the credits on the course cards and in the accreditation box."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from preceptor.catalog.models import Course
from preceptor.cme.tests.conftest import make_activity


def _eaccme(credits: str) -> dict:
    today = timezone.localdate()
    return {
        "eaccme_credits": Decimal(credits),
        "eaccme_event_code": "ELM-1",
        "eaccme_granted_on": today - timedelta(days=10),
        "eaccme_valid_until": today + timedelta(days=300),
    }


def _card(html: str, title: str) -> str:
    cards = re.findall(r'<article class="card course-card">.*?</article>', html, flags=re.S)
    [card] = [card for card in cards if title in card]
    return re.sub(r"<[^>]+>", "", re.sub(r"\s+", " ", card))


def test_the_course_cards_show_the_credits_of_an_accredited_course_and_none_for_another(
    client, course, provider, django_assert_max_num_queries
):
    make_activity(course, provider, ama_max_credits=Decimal("2"), **_eaccme("2"))
    Course.objects.create(slug="skin", title="Skin Basics", summary="Rashes.", is_published=True)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("catalog:list")).content.decode()
    assert "2 AMA PRA Category 1 Credits™ · 2 ECMEC®s" in _card(html, "Heart Rhythm Basics")
    assert "Credit" not in _card(html, "Skin Basics") and "ECMEC" not in _card(html, "Skin Basics")


def test_an_unpublished_accreditation_shows_no_credits_on_the_card(client, course, provider):
    activity = make_activity(course, provider)
    activity.is_published = False
    activity.save()
    assert "Credit" not in _card(client.get(reverse("catalog:list")).content.decode(), "Heart Rhythm Basics")


def test_one_credit_is_singular_and_a_fraction_plural(client, course, provider):
    make_activity(course, provider, ama_max_credits=Decimal("1"), **_eaccme("0.5"))
    card = _card(client.get(reverse("catalog:list")).content.decode(), "Heart Rhythm Basics")
    assert "1 AMA PRA Category 1 Credit™ · 0.5 ECMEC®s" in card
    box = client.get(course.get_absolute_url()).content.decode()
    title = re.search(r'<h2 id="accreditation-title">(.*?)</h2>', box, flags=re.S)
    assert title and re.sub(r"<[^>]+>", "", title.group(1)).strip() == "1 AMA PRA Category 1 Credit™ · 0.5 ECMEC®s"


def test_claim_states_read_the_members_own_active_claim_and_passed_post_test(course, provider, pro_member):
    from preceptor.cme.models import Claim
    from preceptor.cme.selectors import claim_states
    from preceptor.cme.tests.conftest import passed
    from preceptor.conftest import make_member
    from preceptor.quizzes.models import Attempt, Quiz

    other_course = Course.objects.create(slug="other", title="Other", summary="S.", is_published=True)
    first = make_activity(course, provider)
    second = make_activity(other_course, provider, accme_activity_id="202600002")
    Quiz.objects.create(course=other_course, kind=Quiz.Kind.POST_TEST, title="Post-test", slug="post", pass_mark=70)
    module_quiz = Quiz.objects.create(
        course=other_course, kind=Quiz.Kind.MODULE, title="Module", slug="module", pass_mark=70
    )
    stranger = make_member("stranger@example.com", "Dr. Stranger")

    def claim(user, activity, credit_type, *, revoked=False) -> Claim:
        return Claim.objects.create(
            user=user,
            activity=activity,
            credit_type=credit_type,
            claimed_credits=Decimal("1.00"),
            minutes=60,
            completed_at=timezone.now(),
            learner_name=user.full_name,
            learner_profession="physician_md_do",
            quiz_score=Decimal("90.00"),
            revoked_at=timezone.now() if revoked else None,
        )

    assert claim_states(user=pro_member, activities=[]) == {}
    assert claim_states(user=pro_member, activities=[first, second]) == {
        first.pk: (None, False),
        second.pk: (None, False),
    }
    # Someone else's claim and pass, a revoked claim of her own and a passed module quiz change nothing ...
    claim(stranger, first, "ama")
    passed(stranger, first)
    claim(pro_member, second, "ama", revoked=True)
    now = timezone.now()
    Attempt.objects.create(
        user=pro_member, quiz=module_quiz, started_at=now, submitted_at=now, score=90, passed=True, pass_mark=70
    )
    assert claim_states(user=pro_member, activities=[first, second]) == {
        first.pk: (None, False),
        second.pk: (None, False),
    }
    # ... her passed post-test and active claims do: the first credit type's certificate stands for the activity.
    passed(pro_member, first)
    ecmec, ama = claim(pro_member, first, "ecmec"), claim(pro_member, first, "ama")
    assert claim_states(user=pro_member, activities=[first, second]) == {
        first.pk: (ama.certificate_id, True),
        second.pk: (None, False),
    }
    assert ecmec.certificate_id != ama.certificate_id
