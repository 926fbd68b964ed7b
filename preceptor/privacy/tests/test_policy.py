from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from preceptor.privacy.models import PolicyAcknowledgement, PolicyVersion
from preceptor.privacy.services import policy_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_policy(db):
    policy = PolicyVersion.objects.create(
        version="2026-11-01",
        effective_on=date(2026, 11, 1),
        material=True,
        summary="We now name every recipient of your data in your account.",
        body="Privacy Policy\n\nWelcome to Preceptor.\n\nDisclosures\n\nWe list every recipient.",
    )
    cache.clear()
    return policy


def test_the_policy_page_shows_the_current_version_its_date_and_the_history(client, new_policy):
    page = client.get(reverse("privacy:policy")).content.decode()
    assert "Last modified: 2026-11-01" in page and "We list every recipient." in page
    assert "Version history" in page and "2017-06-20" in page
    old = client.get(reverse("privacy:policy_version", args=["2017-06-20"])).content.decode()
    assert "An earlier version." in old and "at least 13 years old" in old
    assert client.get(reverse("privacy:policy_version", args=["1999-01-01"])).status_code == 404


def test_a_material_change_is_announced_once_and_acknowledged_at_the_next_visit(
    client, new_policy, learner, outsider, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=new_policy, actor=staff)
        policy_publish(policy=new_policy, actor=staff)
    announced = [m for m in mailoutbox if "updated our privacy policy" in m.subject]
    assert sorted(m.to[0] for m in announced) == sorted([learner.email, outsider.email, staff.email])

    client.force_login(learner)
    assert "We updated our privacy policy" in client.get("/").content.decode()
    client.post(reverse("privacy:acknowledge"), {"next": "/courses/"})
    assert PolicyAcknowledgement.objects.filter(user=learner, policy=new_policy).exists()
    assert "We updated our privacy policy" not in client.get("/").content.decode()
    client.force_login(outsider)
    assert "We updated our privacy policy" in client.get("/").content.decode()


def test_an_editorial_change_asks_nobody(client, learner, new_policy):
    PolicyVersion.objects.filter(pk=new_policy.pk).update(material=False)
    cache.clear()
    client.force_login(learner)
    assert "We updated our privacy policy" not in client.get("/").content.decode()


def test_acknowledging_needs_a_signed_in_member(client, new_policy):
    assert client.post(reverse("privacy:acknowledge")).status_code == 302
    assert not PolicyAcknowledgement.objects.exists()
