"""The public CME page (the "CME credit" menu item for visitors) and the verification page's answer for an unknown
certificate id."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone, translation

from preceptor.cme.models import Claim
from preceptor.cme.tests.conftest import make_activity
from preceptor.conftest import make_member


def test_the_cme_page_names_the_configured_joint_provider_and_the_pass_mark(client, activity):
    activity.pass_threshold = 80
    activity.save()
    response = client.get(reverse("cme:about"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Designated by CME Consultants" in text
    assert "jointly provided by CME Consultants and Preceptor" in text
    assert "at least 80%" in text
    assert "European CME credit (ECMEC®)" not in text  # the activity offers AMA credit only
    assert "/certificates/" in text


def test_the_cme_page_explains_ecmec_only_when_an_activity_offers_it(client, activity, provider, course):
    from preceptor.catalog.models import Course

    other = Course.objects.create(title="Echo basics", slug="echo-basics", summary="Echo.")
    today = timezone.localdate()
    make_activity(
        other,
        provider,
        accme_activity_id="202600002",
        pass_threshold=75,
        eaccme_credits=Decimal("1.00"),
        eaccme_event_code="EV-1",
        eaccme_granted_on=today - timedelta(days=10),
        eaccme_valid_until=today + timedelta(days=300),
    )
    text = client.get(reverse("cme:about")).content.decode()
    assert "European CME credit (ECMEC®)" in text
    assert "AMA Ed Hub" in text
    assert "from 70% to 80%" not in text and "from 70% to 75%" in text  # each course states its own pass mark


def test_the_cme_page_says_so_when_nothing_is_open_for_credit(client, db):
    text = client.get(reverse("cme:about")).content.decode()
    assert "No accredited activity is open for credit at the moment." in text
    assert "Designated by" not in text


def test_visitors_find_the_cme_page_behind_the_menu_item_and_members_their_transcript(client, db):
    about, transcript = reverse("cme:about"), reverse("cme:transcript")
    assert f'href="{about}">CME credit</a>' in client.get(reverse("privacy:policy")).content.decode()
    client.force_login(make_member("menu@example.org", "Mia Menu"))
    assert f'href="{transcript}">CME credit</a>' in client.get(reverse("privacy:policy")).content.decode()


def test_an_unknown_certificate_id_answers_404_with_the_sites_page_saying_so(client, db):
    response = client.get(reverse("cme:verify", args=[uuid.uuid4()]))
    assert response.status_code == 404
    text = response.content.decode()
    assert "No certificate with this id" in text
    assert 'class="site-header"' in text  # the branded page, not a bare one
    assert response["X-Robots-Tag"] == "noindex"


def test_the_verification_page_writes_credits_and_dates_the_german_way(client, activity, pro_member):
    claim = Claim.objects.create(
        user=pro_member,
        activity=activity,
        credit_type="ama",
        claimed_credits=Decimal("1.75"),
        minutes=105,
        completed_at=timezone.now().replace(year=2026, month=3, day=4),
        learner_name="Dr. Paul Pro",
        learner_profession="physician_md_do",
        quiz_score=Decimal("90.00"),
    )
    url = reverse("cme:verify", args=[claim.certificate_id])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1.75" in english and "March 4, 2026" in english
    with translation.override("de"):
        german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "1,75" in german and "4. März 2026" in german
