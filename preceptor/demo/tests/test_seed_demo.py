import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.selectors import membership_for


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_accounts_and_can_run_again(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    users = {u.email: u for u in User.objects.all()}
    colleagues = {"aisha.rahman", "tom.keller", "ines.moreau", "ben.ortiz"}  # the demo organisation's members
    assert set(users) == {
        "learner@example.com",
        "pro@example.com",
        "teacher@example.com",
        "manager@example.com",
        "staff@example.com",
        *(f"{name}@example.com" for name in colleagues),
    }
    assert all(u.check_password("preceptor-demo") for u in users.values())
    assert EmailAddress.objects.filter(verified=True).count() == 9
    assert membership_for(users["learner@example.com"]).status == "trial"
    assert membership_for(users["pro@example.com"]).status == "pro"
    assert users["teacher@example.com"].is_teacher
    assert users["staff@example.com"].is_staff and users["staff@example.com"].is_superuser
    from preceptor.cme.models import Activity

    activities = Activity.objects.all()
    assert activities.count() == 6 and all(a.is_published and not a.missing_disclosures() for a in activities)
    assert all(a.evaluation_questions.count() >= 7 for a in activities)
    ecg = activities.get(course__slug="ecg-essentials")
    from preceptor.classes.models import LiveClass

    upcoming, past = LiveClass.objects.order_by("-starts_at")
    assert upcoming.starts_at > timezone.now() and upcoming.teachers.get().user == users["teacher@example.com"]
    assert past.ended_at and past.recording and past.registrations.get().minutes_attended == 55
    assert ecg.ama_max_credits == 2 and ecg.eaccme_credits == 2 and ecg.accredited_provider.name == "CME Consultants"
    # The demo organisation: the manager, the Pro member and four colleagues, each sharing differently.
    from preceptor.teams.models import Organisation
    from preceptor.teams.selectors import dashboard_rows

    organisation = Organisation.objects.get()
    rows = {row.email: row for row in dashboard_rows(organisation, timezone.localdate())}
    assert len(rows) == 6 and len({tuple(row.shared) for row in rows.values()}) == 5
    assert rows["tom.keller@example.com"].overdue == 1 and rows["aisha.rahman@example.com"].overdue == 0
    assert rows["aisha.rahman@example.com"].quizzes_passed == 2
    assert all(membership_for(users[email]).is_pro for email in rows)
    assert organisation.assignments.count() == 2 and organisation.invitations.count() == 1


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing while DEBUG is off"):
        call_command("seed_demo")
    assert User.objects.count() == 0
    call_command("seed_demo", "--force")
    assert User.objects.count() == 9
