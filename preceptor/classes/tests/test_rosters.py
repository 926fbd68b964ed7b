"""Rosters: after the teacher terms only, registered members' name and e-mail only, each view disclosed, own classes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from preceptor.classes import services
from preceptor.privacy.models import Disclosure


def test_no_roster_before_the_terms_are_accepted(client, live_class, teacher, terms, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(teacher)
    response = client.get(f"/teach/classes/{live_class.slug}/")
    assert response.status_code == 302 and response["Location"] == "/teach/terms/"
    assert client.get(f"/teach/classes/{live_class.slug}/?format=csv").status_code == 302
    assert not Disclosure.objects.exists()
    client.post("/teach/terms/", {"accept": "on"})
    html = client.get(f"/teach/classes/{live_class.slug}/").content.decode()
    assert "Dr. Paul Pro" in html and "pro@example.org" in html
    terms.pk = None
    terms.version, terms.published_at = "2026-2", timezone.now()
    terms.save()  # a new version must be accepted again
    assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 302


def test_roster_shows_only_registered_members_name_and_email_and_discloses_each(
    client, live_class, teacher, terms, pro_member, staff, outsider, learner
):
    from preceptor.accounts.services import complimentary_pro_grant

    complimentary_pro_grant(user=outsider, until=timezone.now() + timedelta(days=30), actor=None)
    services.registration_create(user=pro_member, live_class=live_class)
    services.registration_create(user=staff, live_class=live_class)
    services.registration_create(user=outsider, live_class=live_class)  # waitlisted: not on the roster
    pro_member.phone = "+43 1 234"
    pro_member.save()
    services.terms_accept(user=teacher, terms=terms)
    client.force_login(teacher)
    html = client.get(f"/teach/classes/{live_class.slug}/").content.decode()
    assert "Dr. Paul Pro" in html and "Sam Staff" in html
    assert "Otto Outsider" not in html and "Lena Learner" not in html and "+43 1 234" not in html
    csv_text = client.get(f"/teach/classes/{live_class.slug}/?format=csv").content.decode()
    assert csv_text.splitlines()[0] == "name,email,minutes attended" and len(csv_text.strip().splitlines()) == 3
    disclosures = Disclosure.objects.filter(user=pro_member)
    assert disclosures.count() == 2 and {d.channel for d in disclosures} == {"Roster page", "Roster CSV export"}
    assert all(
        "Prof. Tina Teacher" in d.recipient and d.data_categories == "Name and e-mail address" for d in disclosures
    )
    assert not Disclosure.objects.filter(user=outsider).exists()
    client.force_login(pro_member)
    assert "Prof. Tina Teacher" in client.get("/settings/data/").content.decode()


def test_a_teacher_cannot_see_another_teachers_roster_or_class(client, live_class, other_tutor, terms, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    services.terms_accept(user=other_tutor.user, terms=terms)
    client.force_login(other_tutor.user)
    assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 404
    assert client.get(f"/teach/classes/{live_class.slug}/?format=csv").status_code == 404
    assert client.post(f"/teach/classes/{live_class.slug}/end/").status_code == 404
    assert "ECG clinic" not in client.get("/teach/").content.decode()
    assert not Disclosure.objects.exists()


def test_a_member_named_like_a_formula_comes_out_of_the_roster_csv_as_text(
    client, live_class, teacher, terms, pro_member
):
    pro_member.full_name = '=HYPERLINK("http://x")'
    pro_member.save()
    services.registration_create(user=pro_member, live_class=live_class)
    services.terms_accept(user=teacher, terms=terms)
    client.force_login(teacher)
    text = client.get(f"/teach/classes/{live_class.slug}/?format=csv").content.decode()
    [_header, row] = list(csv.reader(io.StringIO(text)))
    assert row[0] == '\'=HYPERLINK("http://x")'
