"""CME credit for a live class follows the recorded attendance, rounded to quarter credits (CME-10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from preceptor.classes import services


def test_req10_live_class_credit_follows_recorded_attendance_rounded_to_quarters(client, live_class, pro_member):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from preceptor.cme.models import Activity, Provider
    from preceptor.cme.services import ClaimRefused, credit_claim, evaluation_questions_ensure, evaluation_submit
    from preceptor.profiles.models import Profession

    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    today = timezone.localdate()
    activity = Activity.objects.create(
        live_class=live_class,
        format=Activity.Format.LIVE,
        delivery=Activity.Delivery.LIVE_STREAMED,
        location="Online (live-streamed)",
        live_starts_on=live_class.starts_at.date(),
        release_date=today,
        expiration_date=today + timedelta(days=365),
        accredited_provider=provider,
        accme_activity_id="202609999",
        ama_max_credits=Decimal("1"),
        learning_objectives="Read tachycardias",
        outcome_measures=["knowledge"],
    )
    activity.disclosures.create(
        full_name="Prof. Tina Teacher", user=live_class.teachers.get().user, status="none", disclosed_on=today
    )
    evaluation_questions_ensure(activity=activity)
    activity.is_published = True
    activity.full_clean()
    activity.save()
    pro_member.profile.profession = Profession.PHYSICIAN_MD_DO
    pro_member.profile.save()
    registration = services.registration_create(user=pro_member, live_class=live_class)
    evaluation_submit(user=pro_member, activity=activity, answers={})
    with pytest.raises(ClaimRefused) as refused:
        credit_claim(user=pro_member, activity=activity, credits=Decimal("0.25"))
    assert "no attendance record" in refused.value.messages[0]
    start = live_class.starts_at
    services.attendance_join(registration=registration, now=start)
    services.attendance_leave(registration=registration, now=start + timedelta(minutes=37, seconds=30))  # 38 min → 0.75
    with pytest.raises(ValidationError) as error:
        credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    assert "at most 0.75" in str(error.value)
    [claim] = credit_claim(user=pro_member, activity=activity, credits=Decimal("0.75"))
    assert claim.claimed_credits == Decimal("0.75") and claim.credit_type == "ama"
    client.force_login(pro_member)
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "Accredited CME" in page and "joint providership of CME Consultants and Preceptor" in page
    claim_page = client.get(activity.get_absolute_url()).content.decode()
    assert "38 minutes attended." in claim_page and "Post-test" not in claim_page
