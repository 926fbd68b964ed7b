"""Demo content and the four demo accounts (password ``preceptor-demo``). Safe to run again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create, complimentary_pro_grant, teacher_role_set
from preceptor.billing.services import prices_ensure
from preceptor.catalog.demo import demo_courses_create
from preceptor.catalog.models import Course
from preceptor.classes.demo import demo_classes_create
from preceptor.cme.demo import demo_accreditations_create, demo_cme_learner_create
from preceptor.magazine.demo import demo_articles_create
from preceptor.privacy.policy import published_policy_outdated
from preceptor.privacy.services import policy_version_create
from preceptor.profiles.models import Profession, Visibility
from preceptor.profiles.services import profile_update
from preceptor.quizzes.demo import demo_quizzes_create
from preceptor.support.demo import demo_help_create
from preceptor.teams.demo import demo_organisation_create

DEMO_POLICY_SUMMARY = "Generated from the privacy declarations of this service."
DEMO_PASSWORD = "preceptor-demo"  # noqa: S105 - published demo password, refused with DEBUG off

PUBLIC, MEMBERS, PRIVATE = Visibility.PUBLIC, Visibility.MEMBERS, Visibility.PRIVATE

DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {
        "email": "learner@example.com",
        "full_name": "Lena Fischer",
        "handle": "lena-fischer",
        "profile": {
            "profession": Profession.RESIDENT,
            "profession_visibility": PUBLIC,
            "specialty": "Internal medicine",
            "specialty_visibility": MEMBERS,
            "location": "Graz, Austria",
            "location_visibility": PRIVATE,
        },
    },
    {
        "email": "pro@example.com",
        "full_name": "Dr. Samuel Okafor",
        "handle": "samuel-okafor",
        "pro": True,
        "profile": {
            "profession": Profession.PHYSICIAN_MD_DO,
            "profession_visibility": PUBLIC,
            "specialty": "Emergency medicine",
            "specialty_visibility": PUBLIC,
            "institution": "St. Mary's Regional Hospital",
            "institution_visibility": MEMBERS,
            "location": "Leeds, United Kingdom",
            "location_visibility": PUBLIC,
            "website": "https://example.org/okafor",
            "website_visibility": MEMBERS,
            "bio": "Emergency physician with a soft spot for **ECG interpretation** and point-of-care ultrasound.\n\n"
            "Currently working through the *echocardiography* track.",
            "bio_visibility": PUBLIC,
        },
    },
    {
        "email": "teacher@example.com",
        "full_name": "Prof. Maria Lindqvist",
        "handle": "maria-lindqvist",
        "teacher": True,
        "pro": True,
        "profile": {
            "profession": Profession.PHYSICIAN_MD_DO,
            "profession_visibility": PUBLIC,
            "specialty": "Cardiology",
            "specialty_visibility": PUBLIC,
            "institution": "Karolinska University Hospital",
            "institution_visibility": PUBLIC,
            "location": "Stockholm, Sweden",
            "location_visibility": PUBLIC,
            "bio": "Cardiologist and clinical teacher. I teach the **ECG** and **echocardiography** courses and run "
            "the monthly live ECG clinic.\n\n- 20 years of echo lab experience\n- Author of two ECG textbooks",
            "bio_visibility": PUBLIC,
        },
    },
    {
        "email": "manager@example.com",
        "full_name": "Dr. Hannah Becker",
        "handle": "hannah-becker",
        "profile": {
            "profession": Profession.PHYSICIAN_MD_DO,
            "profession_visibility": PUBLIC,
            "specialty": "Emergency medicine",
            "specialty_visibility": PUBLIC,
            "institution": "St. Mary's Regional Hospital",
            "institution_visibility": PUBLIC,
        },
    },
    {
        "email": "staff@example.com",
        "full_name": "Alex Staff",
        "handle": "preceptor-staff",
        "staff": True,
        "profile": {"is_hidden": True},
    },
]


class Command(BaseCommand):
    help = "Create the demo accounts and content (idempotent). Refuses when DEBUG is off unless --force."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even though DEBUG is off.")

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; refusing while DEBUG is off "
                "(use --force on a demo server)."
            )
        now = timezone.now()
        for spec in DEMO_ACCOUNTS:
            user = User.objects.filter(email__iexact=spec["email"]).first()
            created = user is None
            if user is None:
                user = account_create(
                    email=spec["email"],
                    full_name=spec["full_name"],
                    password=DEMO_PASSWORD,
                    now=now,
                    is_staff=spec.get("staff", False),
                    is_superuser=spec.get("staff", False),
                )
                changes = {"handle": spec["handle"], **spec["profile"]}
                profile_update(profile=user.profile, actor=None, changes=changes)
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            if spec.get("teacher"):
                teacher_role_set(user=user, is_teacher=True, actor=None)
            if spec.get("pro") and not (user.complimentary_pro_until and user.complimentary_pro_until > now):
                complimentary_pro_grant(user=user, until=now + timedelta(days=365), actor=None)
            self.stdout.write(f"{'created' if created else 'exists '}  {user.email}")
        prices_ensure()
        teachers = list(User.objects.filter(email__in=[s["email"] for s in DEMO_ACCOUNTS if s.get("teacher")]))
        courses = demo_courses_create(teachers=teachers)
        demo_quizzes_create(courses=courses)
        self.stdout.write(f"courses: {len(courses)} created, {Course.objects.count()} in all")
        activities = demo_accreditations_create()
        self.stdout.write(f"CME activities: {len(activities)} created")
        classes = demo_classes_create(
            teacher_user=User.objects.get(email="teacher@example.com"),
            attendee=User.objects.get(email="pro@example.com"),
        )
        self.stdout.write(f"classes: {len(classes)} created")
        articles = demo_articles_create(
            authors={key: User.objects.get(email=f"{key}@example.com") for key in ("teacher", "staff", "pro")}
        )
        self.stdout.write(f"magazine articles: {len(articles)} created")
        help_articles = demo_help_create()
        self.stdout.write(f"help articles: {len(help_articles)} created")
        # After the courses, post-tests and accreditations: the Pro member's claimed certificate (and PARS identity).
        claims = demo_cme_learner_create(user=User.objects.get(email="pro@example.com"))
        self.stdout.write(f"CME claims: {len(claims)} created")
        organisation = demo_organisation_create(
            manager=User.objects.get(email="manager@example.com"),
            seated=User.objects.get(email="pro@example.com"),
            password=DEMO_PASSWORD,
        )
        self.stdout.write(f"organisation: {'created' if organisation else 'exists'}")
        if published_policy_outdated():  # the privacy policy generated from the declarations, as staff would publish it
            published = policy_version_create(
                effective_on=timezone.localdate(), material=False, summary=DEMO_POLICY_SUMMARY, prose={}, actor=None
            )
            self.stdout.write(f"privacy policy: version {published.version} published")
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Password for every demo account: {DEMO_PASSWORD}"))
