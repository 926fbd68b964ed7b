"""The pages of the URLconf, opened on a seeded demo: shared by the tests that walk every URL (a GET changes
nothing: ``test_get_is_safe.py``; who may open what: ``test_permissions.py``).

Each URL name needs an entry in ``PAGES`` (how to fill its parameters from the demo) or in ``SKIPPED`` (why not).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import teacher_role_set
from preceptor.billing.providers.demo import DemoProvider
from preceptor.conftest import ROLES, make_member, make_staff

# allauth's own URLs are skipped (e-mail management, logout, codes …) except the pages a visitor opens.
ALLAUTH_PAGES = {
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
}
# URL names left out on purpose, with the reason (every other URL is opened below).
SKIPPED: dict[str, str] = {
    route: "allauth's old address, a permanent redirect to its page under accounts/3rdparty/ (itself skipped)"
    for route in (
        "accounts/social/login/cancelled/",
        "accounts/social/login/error/",
        "accounts/social/signup/",
        "accounts/social/connections/",
    )
}


@dataclass
class Demo:
    users: dict[str, User] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    per_user: dict[str, dict[str, Any]] = field(default_factory=dict)

    def own(self, visitor: User | None, key: str) -> Any:
        """The visitor's own object (the Pro member's for anonymous visitors, who must be sent to sign in)."""
        owner = visitor or self.users["pro"]
        return self.per_user[key][owner.email]


def one(**kwargs: Any) -> Callable[[Demo, User | None], list[dict[str, Any]]]:
    return lambda demo, user: [kwargs]


NONE = one()
DEMO_INVITATION_TOKEN = "demo-invitation-token"

# URL name → the keyword arguments to open it with, from the demo (one dict per variant; "?" is a query string).
PAGES: dict[str, Callable[[Demo, User | None], list[dict[str, Any]]]] = {
    "site:home": NONE,
    "site:healthz": NONE,
    "site:staff": NONE,
    "site:public_media": lambda d, u: [{"path": d.objects["cover"]}, {"path": "avatars/nobody.jpg"}],
    "site:sitemap": NONE,
    "site:manifest": NONE,
    "site:service_worker": NONE,
    "site:offline": NONE,
    "site:offline_saved": NONE,
    "privacy:policy": NONE,
    "privacy:policy_version": lambda d, u: [{"version": d.objects["policy"].version}],
    "privacy:acknowledge": NONE,
    "privacy:cookies": NONE,
    "privacy:consent": NONE,
    "privacy:statistics": NONE,
    "privacy:settings": NONE,
    "privacy:data": NONE,
    "privacy:gpc": NONE,
    "privacy:staff_record": NONE,
    "privacy:staff_policy": NONE,
    "privacy:staff_requests": NONE,
    "privacy:staff_extend": lambda d, u: [{"public_id": d.objects["data_request"].public_id}],
    "privacy:staff_legal": NONE,
    "privacy:staff_legal_new": NONE,
    "privacy:staff_legal_detail": lambda d, u: [{"public_id": d.objects["legal_request"].public_id}],
    "privacy:staff_legal_approve": lambda d, u: [{"public_id": d.objects["legal_request"].public_id}],
    "privacy:staff_legal_decline": lambda d, u: [{"public_id": d.objects["legal_request"].public_id}],
    "accounts:settings": NONE,
    "accounts:account": NONE,
    "profiles:detail": lambda d, u: [
        {"handle": d.users["pro"].profile.handle},
        {"handle": d.users["pro"].profile.handle, "?": "as=public"},
        {"handle": d.users["learner"].profile.handle, "?": "as=member"},
        {"handle": d.users["staff"].profile.handle},
    ],
    "profiles:avatar": lambda d, u: [{"handle": d.users["pro"].profile.handle}],
    "profiles:edit": NONE,
    "profiles:facebook_photo": NONE,  # only while Facebook sign-in is configured (accounts/tests/test_social_*)
    "quizzes:quiz": lambda d, u: [{"slug": d.objects["course"].slug, "quiz": d.objects["quiz"].slug}],
    "quizzes:attempt": lambda d, u: [{"public_id": d.own(u, "attempt").public_id}],
    "catalog:list": lambda d, u: [{}, {"?": "q=ecg"}],
    "catalog:course": lambda d, u: [{"slug": d.objects["course"].slug}],
    "catalog:lesson": lambda d, u: [{"slug": d.objects["course"].slug, "lesson": s} for s in d.objects["lessons"]],
    "catalog:opened": lambda d, u: [{"slug": d.objects["course"].slug, "lesson": d.objects["video"].slug}],
    "catalog:progress": lambda d, u: [{"slug": d.objects["course"].slug, "lesson": d.objects["video"].slug}],
    "catalog:time": lambda d, u: [{"slug": d.objects["course"].slug, "lesson": d.objects["video"].slug}],
    "catalog:complete": lambda d, u: [{"slug": d.objects["course"].slug, "lesson": d.objects["video"].slug}],
    "catalog:media": lambda d, u: [
        {"slug": d.objects["course"].slug, "lesson": d.objects["video"].slug, "kind": kind}
        for kind in ("video", "captions")
    ],
    "catalog:file": lambda d, u: [
        {
            "slug": d.objects["course"].slug,
            "lesson": d.objects["handout"].lesson.slug,
            "file_id": d.objects["handout"].pk,
        }
    ],
    "billing:pricing": lambda d, u: [{}, {"?": "currency=USD"}],
    "billing:overview": NONE,
    "billing:checkout": NONE,
    "billing:cancel": NONE,
    "billing:resume": NONE,
    "billing:details": NONE,
    "billing:manage": NONE,
    "billing:receipt": lambda d, u: [{"public_id": d.objects["receipt"].public_id}],
    "billing:invoice_pdf": lambda d, u: [{"public_id": d.objects["receipt"].public_id}],
    "billing:demo_pay": lambda d, u: [{"token": d.own(u, "demo_pay_token")}],
    "billing:demo_order_pay": lambda d, u: [{"token": d.own(u, "demo_order_token")}],
    # A pending PayPal order is captured on this return (the provider sends the buyer back with a GET); the demo
    # provider's orders have nothing to capture, so only PayPal's idempotent capture remains a write here.
    "billing:order_return": lambda d, u: [{"public_id": d.own(u, "order").public_id}],
    "billing:webhook": lambda d, u: [{"provider_name": "stripe"}],
    "support:contact": NONE,
    "support:sent": NONE,
    "support:tickets": NONE,
    "support:ticket": lambda d, u: [{"public_id": d.objects["ticket"].public_id}],
    "support:ticket_reply": lambda d, u: [{"public_id": d.objects["ticket"].public_id}],
    "support:attachment": lambda d, u: [{"public_id": d.objects["ticket_attachment"].public_id}],
    "support:help_search": lambda d, u: [{"?": "q=password"}],
    "support:help_article": lambda d, u: [{"slug": "reset-password"}],
    "support:webhook_postmark": NONE,
    "support:staff_queue": lambda d, u: [{}, {"?": "q=invoice&status=all&overdue=on"}],
    "support:staff_ticket": lambda d, u: [{"public_id": d.objects["ticket"].public_id}],
    "support:staff_reply": lambda d, u: [{"public_id": d.objects["ticket"].public_id}],
    "support:staff_update": lambda d, u: [{"public_id": d.objects["ticket"].public_id}],
    "mail:preferences": NONE,
    "mail:unsubscribe": lambda d, u: [{"token": d.own(u, "unsubscribe_token")}],
    "mail:open": lambda d, u: [{"token": d.own(u, "open_token")}],
    "mail:click": lambda d, u: [{"token": d.own(u, "click_token")}],
    "mail:webhook_bounces": NONE,
    "mail:webhook_postmark": NONE,
    "mail:staff_newsletters": NONE,
    "mail:staff_newsletter_new": NONE,
    "mail:staff_newsletter": lambda d, u: [{"public_id": n.public_id} for n in d.objects["newsletters"]],
    "mail:staff_newsletter_test": lambda d, u: [{"public_id": d.objects["newsletters"][0].public_id}],
    "mail:staff_newsletter_send": lambda d, u: [{"public_id": d.objects["newsletters"][0].public_id}],
    "analytics:statistics": lambda d, u: [{}, {"?": "format=csv"}],
    "analytics:request_log": lambda d, u: [{}, {"?": "q=/courses/"}],
    "cme:transcript": NONE,
    "cme:about": NONE,
    "cme:identity": NONE,
    "cme:claim": lambda d, u: [{"pk": d.objects["activity"].pk}],
    "cme:amend": lambda d, u: [{"certificate_id": d.objects["claim"].certificate_id}],
    "cme:certificate_pdf": lambda d, u: [{"certificate_id": d.objects["claim"].certificate_id}],
    "cme:verify": lambda d, u: [{"certificate_id": d.objects["claim"].certificate_id}],
    "cme:staff": NONE,
    "cme:evaluations": lambda d, u: [{"pk": d.objects["activity"].pk}],
    "classes:list": NONE,
    "classes:detail": lambda d, u: [{"slug": c.slug} for c in d.objects["classes"]],
    "classes:signup": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:cancel": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:buy": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:ics": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:join": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:left": lambda d, u: [{"slug": c.slug} for c in d.objects["classes"]],
    "classes:teacher": lambda d, u: [{"slug": d.objects["tutor"].slug}],
    "classes:teach": NONE,
    "classes:terms": NONE,
    "classes:teacher_visibility": NONE,
    "classes:roster": lambda d, u: [
        {"slug": c.slug, **q} for c in d.objects["classes"] for q in ({}, {"?": "format=csv"})
    ],
    "classes:teacher_join": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:end": lambda d, u: [{"slug": d.objects["upcoming"].slug}],
    "classes:recording": lambda d, u: [{"slug": c.slug} for c in d.objects["classes"]],
    "magazine:list": lambda d, u: [{}, {"?": "q=ecg"}, {"?": "specialty=cardiology&page=2"}],
    "magazine:feed": NONE,
    "magazine:article": lambda d, u: [{"slug": d.objects["article"].slug}, {"slug": d.objects["draft"].slug}],
    "magazine:comment": lambda d, u: [{"slug": d.objects["article"].slug}],
    "magazine:comment_edit": lambda d, u: [{"public_id": d.objects["fresh_comment"].public_id}],
    "magazine:comment_delete": lambda d, u: [{"public_id": d.objects["fresh_comment"].public_id}],
    "magazine:comment_report": lambda d, u: [{"public_id": d.objects["shown_comment"].public_id}],
    "magazine:moderation": NONE,
    "magazine:moderate": lambda d, u: [{"public_id": d.objects["held_comment"].public_id}],
    "billing:transfer": lambda d, u: [{"public_id": d.objects["transfer_order"].public_id}],
    "billing:staff_transfers": NONE,
    "billing:staff_transfer_received": lambda d, u: [{"public_id": d.objects["transfer_order"].public_id}],
    "teams:join_continue": NONE,
    "teams:join": lambda d, u: [{"token": DEMO_INVITATION_TOKEN}],
    "teams:memberships": NONE,
    "teams:sharing": lambda d, u: [{"public_id": d.objects["seat"].public_id}],
    "teams:domain_join": lambda d, u: [{"public_id": d.objects["organisation"].public_id}],
    "teams:domain": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:leave": lambda d, u: [{"public_id": d.objects["seat"].public_id}],
    "teams:dashboard": lambda d, u: [
        {"slug": d.objects["organisation"].slug},
        {"slug": d.objects["organisation"].slug, "?": "format=csv"},
    ],
    "teams:invite": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:invite_send": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:assignments": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:seats": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:group_create": lambda d, u: [{"slug": d.objects["organisation"].slug}],
    "teams:group_delete": lambda d, u: [
        {"slug": d.objects["organisation"].slug, "public_id": d.objects["organisation"].groups.get().public_id}
    ],
    "teams:assignment_delete": lambda d, u: [
        {"slug": d.objects["organisation"].slug, "public_id": d.objects["assignment"].public_id}
    ],
    "teams:remove": lambda d, u: [{"slug": d.objects["organisation"].slug, "public_id": d.objects["seat"].public_id}],
    "teams:revoke": lambda d, u: [
        {"slug": d.objects["organisation"].slug, "public_id": d.objects["invitation"].public_id}
    ],
    "account_login": NONE,
    "account_signup": NONE,
    "account_reset_password": NONE,
    "account_reset_password_done": NONE,
    "account_reset_password_from_key": lambda d, u: [d.objects["reset_key"]],
    "account_reset_password_from_key_done": NONE,
    "set_language": lambda d, u: [{"?": "language=de&next=/courses/"}],
}


# --- The URLconf -----------------------------------------------------------------------------------------
def url_names(patterns: list | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(URL name, route) for every pattern but the admin's, allauth's own and static/media serving."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith("admin/"):
            continue
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from url_names(pattern.url_patterns, route, inner)
            continue
        assert isinstance(pattern, URLPattern)
        module = getattr(pattern.callback, "__module__", "")
        if module.startswith(("django.views.static", "django.contrib.staticfiles")):
            continue
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
        if module.startswith("allauth") and name not in ALLAUTH_PAGES:
            continue
        yield name, route


# --- The demo, seeded once for the module ----------------------------------------------------------------
def _seed(media_root) -> Demo:
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.core import signing

    from preceptor.analytics.models import PageviewEvent, RequestLog
    from preceptor.billing.models import Price
    from preceptor.billing.providers import registry
    from preceptor.billing.services import demo_checkout_complete, order_checkout_start, order_create
    from preceptor.catalog.models import LessonFile
    from preceptor.classes.models import LiveClass, Teacher
    from preceptor.cme.models import Activity, Claim
    from preceptor.mail.models import Newsletter
    from preceptor.mail.tokens import CLICK_SALT, tracked_link, unsubscribe_token
    from preceptor.privacy.models import PolicyVersion
    from preceptor.privacy.services import data_request_receive, legal_request_record
    from preceptor.profiles.services import profile_update
    from preceptor.quizzes.models import Attempt, Quiz
    from preceptor.quizzes.services import attempt_start

    call_command("seed_demo", stdout=io.StringIO())
    by_email = {u.email: u for u in User.objects.all()}
    demo = Demo()
    demo.users = {
        "learner": by_email["learner@example.com"],
        "pro": by_email["pro@example.com"],
        "teacher": by_email["teacher@example.com"],
        "staff": by_email["staff@example.com"],
        # The manager of the demo organisation, in which the Pro member holds a seat.
        "manager": by_email["manager@example.com"],
        # A member who was just given the teacher role: no teacher page or class yet.
        "new_teacher": teacher_role_set(
            user=make_member("new-teacher@example.com", "Dr. Nina New"), is_teacher=True, actor=None
        ),
        # Staff status and no role: opens no staff page. And one staff member per role (the site app's groups).
        "staff_none": make_staff("bare-staff@example.com", "Bea Bare"),
        **{
            f"role:{role}": make_staff(f"{role.lower().replace(' ', '-')}@example.com", f"Role {role}", role)
            for role in ROLES
        },
    }
    members = list(demo.users.values())
    # A transactional test that ran before this one flushed the policy the migration wrote: write it again.
    import_module("preceptor.privacy.migrations.0004_initial_policy").create_initial_policy(django_apps, None)
    activity = Activity.objects.filter(course__isnull=False).select_related("course").order_by("pk").first()
    assert activity is not None and activity.course is not None, "the demo seeds accredited courses"
    course = activity.course
    lessons = list(course.lessons.order_by("module__position", "position"))
    demo.objects.update(
        course=course,
        activity=activity,
        lessons=[lesson.slug for lesson in lessons],
        video=next(lesson for lesson in lessons if lesson.kind == "video"),
        handout=LessonFile.objects.filter(lesson__course=course).select_related("lesson").first(),
        quiz=Quiz.objects.filter(course=course).first(),
        cover=course.cover.name,
        policy=PolicyVersion.objects.order_by("effective_on").first(),
        classes=list(LiveClass.objects.order_by("starts_at")),
        upcoming=LiveClass.objects.filter(ended_at__isnull=True).get(),
        tutor=Teacher.objects.get(user=demo.users["teacher"]),
    )
    # A draft newsletter and one sent (its delivery report).
    demo.objects["newsletters"] = [
        Newsletter.objects.create(
            subject="Spring courses", body="Three **new** courses: [see them](https://example.org/)."
        ),
        Newsletter.objects.create(
            subject="Winter courses", body="Sent.", status=Newsletter.Status.SENT, finished_at=timezone.now()
        ),
    ]
    # The magazine: a published article with the Pro member's comments (one shown, one fresh enough to edit), a
    # member's first comment held for moderation, and a draft only editors may preview.
    from preceptor.magazine.models import Article, Comment
    from preceptor.magazine.services import comment_create

    article = Article.objects.published().filter(comments__isnull=False).distinct().first()
    assert article is not None, "the demo seeds articles with comments"
    demo.objects.update(
        article=article,
        draft=Article.objects.create(slug="draft-article", title="A draft", lead="Not yet.", body="Draft text."),
        shown_comment=Comment.objects.filter(user=demo.users["pro"], status="approved").first(),
        fresh_comment=comment_create(user=demo.users["pro"], article=article, body="Written a minute ago."),
        held_comment=comment_create(user=demo.users["learner"], article=article, body="My first comment here."),
    )
    # The demo organisation, the Pro member's seat in it, and an open invitation whose link the test knows.
    from preceptor.billing.models import Order
    from preceptor.teams.lists import token_hash
    from preceptor.teams.models import Invitation, Membership, Organisation
    from preceptor.teams.selectors import licence_base

    organisation = Organisation.objects.get(memberships__user=demo.users["manager"])
    demo.objects.update(
        # The Pro member's invoice for more seats, waiting for its bank transfer.
        transfer_order=Order.objects.create(
            user=demo.users["pro"],
            item=f"teams:{organisation.public_id}:add:2:{licence_base(organisation, timezone.now())}",
            description="Preceptor: 2 more seats",
            amount=41500,
            currency="EUR",
            provider="transfer",
            provider_id="transfer_demo",
        ),
        organisation=organisation,
        assignment=organisation.assignments.first(),
        seat=Membership.objects.get(organisation=organisation, user=demo.users["pro"]),
        invitation=Invitation.objects.create(
            organisation=organisation,
            email="invited@example.com",
            token_hash=token_hash(DEMO_INVITATION_TOKEN),
            expires_at=timezone.now() + timedelta(days=14),
        ),
    )
    # What a site in use has besides the seed: visits, a pending data request, a photo, a certificate, orders.
    PageviewEvent.objects.create(day=timezone.localdate(), visitor="v" * 64, path="/courses/")
    RequestLog.objects.create(
        created_at=timezone.now(), request_id="r1", method="GET", path="/courses/", status=200, bytes=1, duration_ms=1
    )
    # A Pro member's support ticket with a screenshot, answered by support with an internal note.
    from preceptor.support.models import Attachment as SupportAttachment
    from preceptor.support.services import ticket_answer_send, ticket_create

    ticket = ticket_create(
        user=demo.users["pro"],
        name="",
        email="",
        topic="billing",
        subject="Invoice address",
        body="Could you put my clinic's name on the invoice?",
        files=[("screenshot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)],
    )
    ticket_answer_send(ticket=ticket, author=demo.users["role:Support"], body="Checking with billing.", internal=True)
    demo.objects.update(ticket=ticket, ticket_attachment=SupportAttachment.objects.get(message__ticket=ticket))
    demo.objects["data_request"] = data_request_receive(user=demo.users["learner"], kind="export", actor=None)
    demo.objects["legal_request"] = legal_request_record(
        authority="Amtsgericht Berlin-Mitte",
        reference="4 Cg 12/26",
        legal_basis="§ 101 UrhG",
        scope="Name and e-mail address of the account",
        members=[demo.users["learner"]],
        decision="disclose",
        reasoning="The order is valid and names the account.",
        disclosed="Name, e-mail address",
        actor=demo.users["role:Privacy officer"],
    )
    jpeg = (media_root.parent / "photo.jpg").resolve()
    _write_jpeg(jpeg)
    with jpeg.open("rb") as photo:
        profile_update(
            profile=demo.users["pro"].profile,
            actor=None,
            changes={"avatar_visibility": "public"},
            avatar=ContentFile(photo.read(), name="photo.jpg"),
        )
    demo.objects["claim"] = Claim.objects.filter(user=demo.users["pro"]).first() or Claim.objects.create(
        user=demo.users["pro"],
        activity=activity,
        credit_type="ama",
        claimed_credits=Decimal("1.00"),
        minutes=60,
        completed_at=timezone.now() - timedelta(days=1),
        learner_name=demo.users["pro"].full_name,
        learner_profession="physician_md_do",
        quiz_score=Decimal("90.00"),
    )
    provider = registry.get("demo")
    assert isinstance(provider, DemoProvider)
    price = Price.objects.filter(interval="month", currency="EUR").first()
    assert price is not None, "the demo seeds the prices"
    request = RequestFactory().get("/")
    demo_checkout_complete(provider=provider, user=demo.users["pro"], price=price)
    demo.objects["receipt"] = demo.users["pro"].receipts.first()
    demo.objects["reset_key"] = {
        "uidb36": user_pk_to_url_str(demo.users["learner"]),
        "key": default_token_generator.make_token(demo.users["learner"]),
    }
    # The teacher passed the post-test but has neither evaluated nor claimed: the claim page's busiest state.
    quiz, passed_at = demo.objects["quiz"], timezone.now() - timedelta(hours=1)
    Attempt.objects.create(
        user=demo.users["teacher"],
        quiz=quiz,
        started_at=passed_at - timedelta(minutes=10),
        submitted_at=passed_at,
        score=Decimal("90.00"),
        passed=True,
        pass_mark=quiz.pass_mark,
    )
    keys = ("attempt", "demo_pay_token", "demo_order_token", "order", "unsubscribe_token", "open_token", "click_token")
    demo.per_user = {key: {} for key in keys}
    for member in members:
        mine = {
            "attempt": Attempt.objects.filter(user=member, quiz=demo.objects["quiz"]).first()
            or attempt_start(user=member, quiz=demo.objects["quiz"]),
            "demo_pay_token": resolve(provider.checkout_url(request=request, user=member, price=price)).kwargs["token"],
            "unsubscribe_token": unsubscribe_token(member.pk, "newsletter"),
            "open_token": signing.dumps(["spring", member.pk], salt=CLICK_SALT),
            "click_token": resolve(
                urlsplit(
                    tracked_link(user=member, campaign="spring", url="https://example.org/", track_recipient=True)
                ).path
            ).kwargs["token"],
        }
        order = order_create(
            user=member, item=demo.objects["upcoming"].item, description="Class", amount=1900, currency="EUR"
        )
        mine["demo_order_token"] = resolve(
            order_checkout_start(provider=provider, request=request, order=order)
        ).kwargs["token"]
        mine["order"] = order
        for key, value in mine.items():
            demo.per_user[key][member.email] = value
    return demo


def _write_jpeg(path) -> None:
    from PIL import Image

    Image.new("RGB", (8, 8), "teal").save(path, "JPEG")


def paths(demo: Demo, name: str, user: User | None) -> list[str]:
    """The paths that open URL ``name`` as ``user`` (the user's own objects), one per variant in ``PAGES``."""
    found = []
    for kwargs in PAGES[name](demo, user):
        kwargs = dict(kwargs)
        query = kwargs.pop("?", "")
        path = reverse(name, kwargs=kwargs)
        found.append(f"{path}?{query}" if query else path)
    return found


def pages(demo: Demo, user: User | None) -> Iterator[tuple[str, str]]:
    for name, _route in url_names():
        if name in SKIPPED:
            continue
        for path in paths(demo, name, user):
            yield name, path
