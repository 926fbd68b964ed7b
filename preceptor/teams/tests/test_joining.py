"""Joining without an invitation: by a verified address at the organisation's domain when its managers allow it,
and through the organisation's own sign-in provider."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from preceptor.billing.selectors import membership_for
from preceptor.conftest import make_member
from preceptor.teams.models import Membership
from preceptor.teams.services import sso_seat_grant

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def open_domain(organisation, manager):
    organisation.email_domain = "hospital.example"
    organisation.save()
    signed_in(manager).post(reverse("teams:domain", args=[organisation.slug]), {"on": "1"})
    organisation.refresh_from_db()
    assert organisation.join_by_domain
    return organisation


def test_a_verified_address_at_the_domain_joins_with_its_own_sharing(open_domain):
    nurse = make_member("nina@hospital.example", "Nina Nurse")
    client = signed_in(nurse)
    page = client.get(reverse("teams:memberships")).content.decode()
    assert "Join St Mary&#x27;s Residency" in page or "Join St Mary's Residency" in page
    prefix = str(open_domain.public_id)
    response = client.post(reverse("teams:domain_join", args=[open_domain.public_id]), {f"{prefix}-share_scores": "on"})
    assert response.status_code == 302
    seat = Membership.objects.get(user=nurse)
    assert (seat.share_progress, seat.share_scores, seat.share_credits) == (False, True, False)
    assert membership_for(nurse).is_pro


def test_an_unverified_address_another_domain_or_a_closed_organisation_cannot_join(open_domain, manager):
    unverified = make_member("una@hospital.example", "Una Unverified")
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    elsewhere = make_member("eli@elsewhere.example", "Eli Elsewhere")
    lookalike = make_member("mallory@evil-hospital.example", "Mallory")
    for user in (unverified, elsewhere, lookalike):
        url = reverse("teams:domain_join", args=[open_domain.public_id])
        assert signed_in(user).post(url).status_code == 404
        assert not Membership.objects.filter(user=user).exists()
    signed_in(manager).post(reverse("teams:domain", args=[open_domain.slug]), {"on": "0"})
    verified = make_member("vera@hospital.example", "Vera Verified")
    assert signed_in(verified).post(reverse("teams:domain_join", args=[open_domain.public_id])).status_code == 404


def test_a_member_cannot_turn_the_domain_on(open_domain, learner):
    open_domain.join_by_domain = False
    open_domain.save()
    assert signed_in(learner).post(reverse("teams:domain", args=[open_domain.slug]), {"on": "1"}).status_code == 404
    open_domain.refresh_from_db()
    assert not open_domain.join_by_domain


def test_signing_in_through_the_organisations_provider_seats_members_of_its_domain_only(organisation):
    organisation.email_domain = "hospital.example"
    organisation.sso_provider = "st-marys"
    organisation.save()
    resident = make_member("rita@hospital.example", "Rita Resident")
    stranger = make_member("sam@elsewhere.example", "Sam Stranger")
    assert sso_seat_grant(user=stranger, provider_id="st-marys", addresses=[stranger.email]) is None
    assert sso_seat_grant(user=resident, provider_id="another-provider", addresses=[resident.email]) is None
    assert sso_seat_grant(user=resident, provider_id="st-marys", addresses=[]) is None, "the provider vouched none"
    assert sso_seat_grant(user=resident, provider_id="st-marys", addresses=["x@hospital.example"]) is None, "not hers"
    seat = sso_seat_grant(user=resident, provider_id="st-marys", addresses=["RITA@hospital.example"])
    assert seat is not None and not seat.shares_anything
    assert sso_seat_grant(user=resident, provider_id="st-marys", addresses=[resident.email]) is None, "once"
    organisation.seats = organisation.memberships.count()
    organisation.save()
    late = make_member("lou@hospital.example", "Lou Late")
    assert sso_seat_grant(user=late, provider_id="st-marys", addresses=[late.email]) is None, "full: not seated"


def test_a_member_who_left_or_was_removed_is_not_seated_again_but_by_a_new_invitation(
    organisation, manager, open_domain
):
    from preceptor.teams.services import invitation_accept, invitations_send, membership_end

    organisation.sso_provider = "st-marys"
    organisation.seats = 10
    organisation.save()
    rita = make_member("rita@hospital.example", "Rita Resident")
    seat = sso_seat_grant(user=rita, provider_id="st-marys", addresses=[rita.email])
    assert seat is not None
    membership_end(membership=seat, actor=manager)  # removed
    assert sso_seat_grant(user=rita, provider_id="st-marys", addresses=[rita.email]) is None
    assert signed_in(rita).post(reverse("teams:domain_join", args=[organisation.public_id])).status_code == 404
    invitations_send(organisation=organisation, addresses=[rita.email], invited_by=manager)
    invitation = organisation.invitations.get(email=rita.email)
    again = invitation_accept(
        invitation=invitation, user=rita, share_progress=False, share_scores=False, share_credits=False
    )
    membership_end(membership=again, actor=rita)  # left
    assert sso_seat_grant(user=rita, provider_id="st-marys", addresses=[rita.email]) is None


def test_an_address_another_provider_vouched_for_does_not_join_by_domain(open_domain):
    from allauth.socialaccount.models import SocialAccount

    mallory = make_member("mallory@hospital.example", "Mallory")
    SocialAccount.objects.create(user=mallory, provider="clinic-a", uid="m-1")  # clinic A's server said "verified"
    url = reverse("teams:domain_join", args=[open_domain.public_id])
    assert "Take a seat" not in signed_in(mallory).get(reverse("teams:memberships")).content.decode()
    assert signed_in(mallory).post(url).status_code == 404
    assert not Membership.objects.filter(user=mallory).exists()


def test_a_manager_cannot_remove_another_manager(organisation, manager):
    deputy = make_member("deputy@hospital.example", "Dr. Dee Deputy")
    seat = Membership.objects.create(organisation=organisation, user=deputy, role=Membership.Role.MANAGER)
    signed_in(manager).post(reverse("teams:remove", args=[organisation.slug, seat.public_id]))
    assert Membership.objects.filter(pk=seat.pk).exists()


def test_the_domain_is_kept_lower_case_and_a_generic_provider_id_is_refused(organisation):
    from django.core.exceptions import ValidationError

    organisation.email_domain = " Hospital.Example "
    organisation.save()
    organisation.refresh_from_db()
    assert organisation.email_domain == "hospital.example"
    organisation.sso_provider = "saml"
    with pytest.raises(ValidationError):
        organisation.full_clean()
