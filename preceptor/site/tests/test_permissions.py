"""Who may open what: every URL of the URLconf, opened on the seeded demo by an anonymous visitor, the member whose
objects it names, another member, a staff account without any role, a staff member in each role and a superuser,
answers what ``MATRIX`` says. Every staff action (POST) is refused to everyone but its role and superusers, and
changes nothing when refused. A new URL without an entry in ``MATRIX`` fails the test.

Statuses are written as text: "200", "403", "404", "405", "302" (a redirect elsewhere) or "login" (a redirect to
the sign-in page); "200|302" accepts either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.conftest import ROLES
from preceptor.core.models import AuditEvent
from preceptor.site.tests.pages import SKIPPED, Demo, paths, url_names

LOGIN = "login"


@dataclass(frozen=True)
class Access:
    """The answer for each kind of visitor. ``owner`` is the member whose objects the URL names (``owner_key`` in
    the demo); ``others`` is every other signed-in account. Staff in one of ``roles`` and superusers get ``staff``
    (``others`` when None); staff accounts outside those roles get ``staff_without`` (``others`` when None)."""

    anonymous: str
    owner: str
    others: str
    roles: tuple[str, ...] = ()
    staff: str | None = None
    staff_without: str | None = None
    owner_key: str = "pro"


def public(status: str = "200") -> Access:
    return Access(anonymous=status, owner=status, others=status)


def signed_in(status: str = "200") -> Access:
    return Access(anonymous=LOGIN, owner=status, others=status)


def owned(status: str = "200", others: str = "404", **kwargs: Any) -> Access:
    return Access(anonymous=LOGIN, owner=status, others=others, **kwargs)


def staff_only(*roles: str, status: str = "200") -> Access:
    return Access(anonymous=LOGIN, owner="403", others="403", roles=roles, staff=status)


# URL name → who gets what (one Access for all the URL's variants in PAGES, or one per variant).
MATRIX: dict[str, Access | list[Access]] = {
    "site:home": public(),
    "site:healthz": public(),
    "site:staff": staff_only(*ROLES),  # the index lists the pages the roles open; an account in none gets 403
    "site:public_media": [public(), public("404")],  # a cover; an avatar, which is not a public folder
    "privacy:policy": public(),
    "privacy:policy_version": public(),
    "privacy:acknowledge": signed_in("405"),
    "privacy:cookies": public(),
    "privacy:consent": public("405"),
    "privacy:statistics": public("405"),
    "privacy:settings": signed_in(),
    "privacy:data": signed_in(),
    "privacy:gpc": public(),
    "privacy:staff_record": staff_only("Privacy officer"),
    "privacy:staff_policy": staff_only("Privacy officer"),
    "privacy:staff_requests": staff_only("Privacy officer"),
    "privacy:staff_extend": staff_only("Privacy officer"),
    "privacy:staff_legal": staff_only("Privacy officer"),
    "privacy:staff_legal_new": staff_only("Privacy officer"),
    "privacy:staff_legal_detail": staff_only("Privacy officer"),
    "privacy:staff_legal_approve": staff_only("Privacy officer", status="405"),
    "privacy:staff_legal_decline": staff_only("Privacy officer", status="405"),
    "accounts:settings": public("302"),
    "accounts:account": signed_in(),
    "profiles:detail": [
        public(),
        public(),
        public(),
        # The superuser's own profile is private: only its owner (the superuser) sees it.
        Access(anonymous="404", owner="404", others="404", staff="200"),
    ],
    "profiles:avatar": public(),
    "profiles:edit": signed_in(),
    "profiles:facebook_photo": signed_in("404"),  # the demo has no Facebook sign-in configured
    "quizzes:quiz": public(),
    "quizzes:attempt": owned(),
    "catalog:list": public(),
    "catalog:course": public(),
    "catalog:lesson": public(),
    "catalog:opened": signed_in("405"),
    "catalog:progress": signed_in("405"),
    "catalog:time": signed_in("405"),
    "catalog:complete": signed_in("405"),
    "catalog:media": Access(anonymous="404", owner="200", others="200"),  # the free preview, for members
    # A handout is Pro content: the Pro member opens it, a trial member does not; staff open all content.
    "catalog:file": Access(anonymous="404", owner="200", others="404", staff="200", staff_without="200"),
    "billing:pricing": public(),
    "billing:overview": signed_in(),
    "billing:checkout": signed_in("405"),
    # The cancel page asks first: for a member with a renewing membership (the Pro member's); others are sent back.
    "billing:cancel": Access(anonymous=LOGIN, owner="200", others="302"),
    "billing:resume": signed_in("405"),
    "billing:details": signed_in("405"),
    "billing:manage": signed_in("405"),
    "billing:receipt": owned(),
    # An invoice PDF: its owner, and staff who may see receipts (support, to answer billing questions).
    "billing:invoice_pdf": owned(roles=("Support",), staff="200"),
    "billing:demo_pay": owned(),
    "billing:demo_order_pay": owned(),
    "billing:order_return": owned("302"),
    "billing:webhook": public("405"),
    "billing:transfer": owned(),  # the member's own invoice
    "billing:staff_transfers": staff_only(),  # billing.record_transfer: in no role, granted per person
    "billing:staff_transfer_received": staff_only(status="405"),
    "teams:join_continue": signed_in("302"),  # to the invitation opened before signing in, or the organisations
    "teams:join": public(),  # an open invitation shows to anyone with its link; accepting needs the address
    "teams:memberships": signed_in(),
    "teams:sharing": signed_in("405"),
    "teams:domain_join": signed_in("405"),
    "teams:domain": signed_in("405"),
    "teams:leave": signed_in("405"),
    "teams:dashboard": owned(owner_key="manager"),  # 404 to all but its managers, staff included
    "teams:invite": owned(owner_key="manager"),
    "teams:invite_send": signed_in("405"),
    "teams:assignments": owned(owner_key="manager"),
    "teams:seats": owned(owner_key="manager"),
    "teams:assignment_delete": signed_in("405"),
    "teams:group_create": signed_in("405"),
    "teams:group_delete": signed_in("405"),
    "teams:remove": signed_in("405"),
    "teams:revoke": signed_in("405"),
    "support:contact": public(),
    "support:sent": public("302"),  # without a question just sent, back to the form
    "support:tickets": signed_in(),
    "support:ticket": owned(),  # the member's own; support staff answer on /staff/support/
    "support:ticket_reply": signed_in("405"),
    # A ticket's file: its member and support staff; everyone else 404, as if it did not exist.
    "support:attachment": owned(roles=("Support",), staff="200"),
    "support:help_search": public(),
    "support:help_article": public(),
    "support:webhook_postmark": public("405"),  # Postmark POSTs with the shared secret
    "support:staff_queue": staff_only("Support"),
    "support:staff_ticket": staff_only("Support"),
    "support:staff_reply": staff_only("Support", status="405"),
    "support:staff_update": staff_only("Support", status="405"),
    "mail:preferences": signed_in(),
    "mail:unsubscribe": public(),  # the signed token is the key
    "mail:open": public(),
    "mail:click": public("302"),
    "mail:webhook_bounces": public("405"),  # a provider POSTs with the shared secret
    "mail:webhook_postmark": public("405"),
    "mail:staff_newsletters": staff_only("Newsletter editor"),
    "mail:staff_newsletter_new": staff_only("Newsletter editor"),
    "mail:staff_newsletter": staff_only("Newsletter editor"),
    "mail:staff_newsletter_test": staff_only("Newsletter editor", status="405"),
    "mail:staff_newsletter_send": staff_only("Newsletter editor", status="405"),
    "analytics:statistics": staff_only("Statistics"),
    "analytics:request_log": staff_only("Privacy officer"),
    "cme:transcript": signed_in(),
    "cme:about": public(),
    "cme:identity": signed_in(),
    "cme:claim": signed_in(),
    "cme:amend": signed_in("405"),
    # A member's certificate: its owner, and staff whose role may see claims (the CME office).
    "cme:certificate_pdf": owned(roles=("CME office",), staff="200"),
    "cme:verify": public(),
    "cme:staff": staff_only("CME office"),
    "cme:evaluations": staff_only("CME office"),
    "classes:list": public(),
    "classes:detail": public(),
    "classes:signup": signed_in("405"),
    "classes:cancel": signed_in("405"),
    "classes:buy": signed_in("405"),
    "classes:ics": public(),
    "classes:join": signed_in("405"),
    "classes:left": signed_in(),
    "classes:teacher": public("302"),  # the old address of a teacher page: moved for good to /u/<handle>/
    "classes:teach": owned(owner_key="teacher"),
    "classes:terms": owned(owner_key="teacher"),
    "classes:teacher_visibility": signed_in("405"),
    "classes:roster": owned(owner_key="teacher"),
    "classes:teacher_join": signed_in("405"),
    "classes:end": signed_in("405"),
    # The past class has its recording already (the page sends staff to it); the upcoming one has none yet.
    "classes:recording": [staff_only("Content editor", status="302"), staff_only("Content editor")],
    "site:sitemap": public(),
    "site:manifest": public(),
    "site:service_worker": public(),
    "site:offline": public(),
    "site:offline_saved": public(),
    "magazine:list": public(),
    "magazine:feed": public(),
    # A published article; a draft, which only staff who may preview articles see (everyone else: 404).
    "magazine:article": [
        public(),
        Access(anonymous="404", owner="404", others="404", roles=("Content editor",), staff="200"),
    ],
    "magazine:comment": signed_in("405"),
    "magazine:comment_edit": owned(),  # the Pro member's comment: its author edits it; for anyone else it is not there
    "magazine:comment_delete": signed_in("405"),
    "magazine:comment_report": Access(anonymous=LOGIN, owner="404", others="200"),  # members report others' comments
    "magazine:moderation": staff_only("Moderator"),
    "magazine:moderate": staff_only("Moderator", status="405"),
    "account_login": Access(anonymous="200", owner="302", others="302"),
    "account_signup": Access(anonymous="200", owner="302", others="302"),
    "account_reset_password": public(),
    "account_reset_password_done": public(),
    # allauth moves a valid key into the session and redirects to the same form without it (or shows the form).
    "account_reset_password_from_key": public("200|302"),
    "account_reset_password_from_key_done": public(),
    "set_language": public("302"),
}

# Staff pages that show members' personal data: the permitted visitor's GET leaves an audit row naming them.
AUDITED = {
    "privacy:staff_record",
    "privacy:staff_requests",
    "privacy:staff_extend",
    "privacy:staff_legal_detail",
    "analytics:request_log",
    "cme:evaluations",
}

VISITORS = ("anonymous", "owner", "another member", "staff without permissions", "superuser", *ROLES)


def expected(access: Access, who: str) -> str:
    if who == "anonymous":
        return access.anonymous
    if who == "superuser" or who in access.roles:
        return access.staff or access.others
    if who == "owner":
        return access.owner
    if who == "another member":
        return access.others
    return access.staff_without or access.others  # staff without a permission this URL needs


def visitor(demo: Demo, who: str, owner: User) -> User | None:
    return {
        "anonymous": None,
        "owner": owner,
        "another member": demo.users["learner"],
        "staff without permissions": demo.users["staff_none"],
        "superuser": demo.users["staff"],
    }.get(who) or demo.users[f"role:{who}"]


def outcome(response: HttpResponse) -> str:
    if response.status_code in (301, 302, 303):
        login = resolve_url(django_settings.LOGIN_URL)
        return LOGIN if response["Location"].startswith(login) else "302"
    return str(response.status_code)


def test_every_url_in_the_urlconf_has_an_entry_in_the_matrix():
    found = {name for name, _route in url_names()} - set(SKIPPED)
    assert not found - set(MATRIX), f"new URL without an entry in MATRIX: {sorted(found - set(MATRIX))}"
    assert not set(MATRIX) - found, f"entries for URLs that are gone: {sorted(set(MATRIX) - found)}"
    staff_urls = {name for name, access in MATRIX.items() if isinstance(access, Access) and access.roles}
    assert AUDITED.issubset(staff_urls)


@pytest.mark.django_db
@pytest.mark.parametrize("who", VISITORS)
def test_every_url_answers_each_kind_of_visitor_as_the_matrix_says(demo, settings, who):
    settings.DEBUG = True  # the demo checkout pages exist only in development
    settings.MEDIA_ROOT = demo.objects["media_root"]
    wrong, seen = [], 0
    for name, access in MATRIX.items():
        first = access[0] if isinstance(access, list) else access
        owner = demo.users[first.owner_key]
        user = None if who == "anonymous" else visitor(demo, who, owner if who == "owner" else demo.users["pro"])
        variants = paths(demo, name, owner)
        rules = access if isinstance(access, list) else [access] * len(variants)
        assert len(rules) == len(variants), f"{name}: {len(variants)} variants in PAGES, {len(rules)} in MATRIX"
        for path, rule in zip(variants, rules, strict=True):
            client = Client()
            if user is not None:
                client.force_login(user)
            audited_before = AuditEvent.objects.filter(actor=user).count() if user else 0
            response = client.get(path)
            got, want = outcome(response), expected(rule, who)
            seen += 1
            if got not in want.split("|"):
                wrong.append(f"GET {path} ({name}) as {who}: {got}, expected {want}")
            if name in AUDITED and user is not None:
                audited = AuditEvent.objects.filter(actor=user).count() - audited_before
                if audited != (1 if got == "200" else 0):
                    wrong.append(f"GET {path} ({name}) as {who} answered {got} and wrote {audited} audit rows")
    assert not wrong, "\n".join(wrong)
    assert seen >= len(MATRIX)


# --- Staff actions: a POST by anyone but the role is refused and changes nothing ------------------------------
@dataclass(frozen=True)
class Action:
    role: str
    url: Callable[[Demo], str]
    data: Callable[[Demo], dict[str, Any]]
    done: str  # what the permitted POST answers
    changed: Callable[[Demo], Any]  # a reading of the state the action changes
    changes: bool = True  # whether the permitted POST changes it


def _report(demo: Demo) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "report": "1",
        "report-kind": "joint_provider",
        "report-start": (today - timedelta(days=365)).isoformat(),
        "report-end": today.isoformat(),
        "report-fmt": "csv",
    }


def _data_requests(demo: Demo) -> list[tuple[str, Any]]:
    from preceptor.privacy.models import DataRequest

    return list(DataRequest.objects.order_by("pk").values_list("kind", "due_at"))


def _revocations(demo: Demo) -> list[Any]:
    from preceptor.cme.models import Claim

    return list(Claim.objects.order_by("pk").values_list("revoked_at", flat=True))


def _disclosures_and_reports(demo: Demo) -> tuple[int, int]:
    from preceptor.privacy.models import Disclosure

    return Disclosure.objects.count(), AuditEvent.objects.filter(action="cme.report_downloaded").count()


def _legal_requests(demo: Demo) -> list[Any]:
    from preceptor.privacy.models import LegalRequest

    return list(LegalRequest.objects.order_by("pk").values_list("pk", "status"))


def _newsletters(demo: Demo) -> list[Any]:
    from preceptor.mail.models import Newsletter

    return list(Newsletter.objects.order_by("pk").values_list("pk", "subject", "status", "send_at"))


def _comment_statuses(demo: Demo) -> list[Any]:
    from preceptor.magazine.models import Comment

    return list(Comment.objects.order_by("pk").values_list("status", "moderated_at"))


def _support_thread(demo: Demo) -> list[Any]:
    from preceptor.support.models import Message, Ticket

    tickets = list(Ticket.objects.order_by("pk").values_list("pk", "status", "priority", "assignee"))
    return tickets + list(Message.objects.order_by("pk").values_list("pk", "kind"))


def _recordings(demo: Demo) -> list[Any]:
    from preceptor.classes.models import LiveClass

    return list(LiveClass.objects.order_by("pk").values_list("recording_id", flat=True))


def _transfer_orders(demo: Demo) -> list[Any]:
    from preceptor.billing.models import Order

    return list(Order.objects.filter(provider="transfer").values_list("status", flat=True))


ACTIONS: dict[str, Action] = {
    "record a bank transfer as received": Action(
        "superuser",  # billing.record_transfer is in no role: granted to the people who keep the books
        lambda d: f"/staff/billing/transfers/{d.objects['transfer_order'].public_id}/received/",
        lambda d: {},
        "302",
        _transfer_orders,
    ),
    "queue a data request (erasure)": Action(
        "Privacy officer",
        lambda d: "/staff/privacy/requests/",
        lambda d: {"email": d.users["pro"].email, "kind": "erasure"},
        "302",
        _data_requests,
    ),
    "extend a data request's deadline": Action(
        "Privacy officer",
        lambda d: f"/staff/privacy/requests/{d.objects['data_request'].public_id}/extend/",
        lambda d: {"months": "1", "reason": "The archive of your class attendance is being restored."},
        "302",
        _data_requests,
    ),
    "record a legal request": Action(
        "Privacy officer",
        lambda d: "/staff/privacy/legal/new/",
        lambda d: {
            "authority": "Staatsanwaltschaft Berlin",
            "reference": "276 Js 1/26",
            "legal_basis": "§ 100j StPO",
            "scope": "The account holder's name",
            "emails": d.users["pro"].email,
            "decision": "disclose",
            "reasoning": "A valid request naming the account.",
            "disclosed": "Name",
        },
        "302",
        _legal_requests,
    ),
    "revoke a certificate": Action(
        "CME office",
        lambda d: "/staff/cme/",
        lambda d: {
            "revoke": "1",
            "revoke-certificate": str(d.objects["claim"].certificate_id),
            "revoke-reason": "Attendance could not be confirmed.",
        },
        "302",
        _revocations,
    ),
    "download the joint-provider report": Action(
        "CME office", lambda d: "/staff/cme/", _report, "200", _disclosures_and_reports
    ),
    "write a newsletter": Action(
        "Newsletter editor",
        lambda d: "/staff/newsletters/new/",
        lambda d: {"subject": "Summer courses", "mailing_list": "newsletter", "body": "Four new courses."},
        "302",
        _newsletters,
    ),
    # A time a week ahead: scheduled, not sent during the test.
    "schedule a newsletter": Action(
        "Newsletter editor",
        lambda d: f"/staff/newsletters/{d.objects['newsletters'][0].public_id}/send/",
        lambda d: {"send_at": (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")},
        "302",
        _newsletters,
    ),
    "approve a held comment": Action(
        "Moderator",
        lambda d: f"/staff/magazine/comments/{d.objects['held_comment'].public_id}/",
        lambda d: {"decision": "approve"},
        "302",
        _comment_statuses,
    ),
    "answer a support ticket": Action(
        "Support",
        lambda d: f"/staff/support/{d.objects['ticket'].public_id}/reply/",
        lambda d: {"body": "Done: the invoice now names your clinic.", "status": "solved"},
        "302",
        _support_thread,
    ),
    "change a support ticket": Action(
        "Support",
        lambda d: f"/staff/support/{d.objects['ticket'].public_id}/update/",
        lambda d: {"status": "open", "priority": "4", "assignee": ""},
        "302",
        _support_thread,
    ),
    # An empty upload is refused with the form's errors (200): the permission check comes first.
    "publish a recording": Action(
        "Content editor",
        lambda d: f"/staff/classes/{d.objects['upcoming'].slug}/recording/",
        lambda d: {},
        "200",
        _recordings,
        changes=False,
    ),
}


@pytest.mark.django_db
def test_the_action_urls_are_staff_urls_in_the_matrix(demo):
    from django.urls import resolve

    for action in ACTIONS.values():
        match = resolve(action.url(demo).split("?")[0])
        access = MATRIX[match.view_name]
        # A permission in no role (superusers grant it per person) is a staff page of no role.
        roles = access.roles if isinstance(access, Access) else ()
        assert isinstance(access, list) or action.role in roles or (action.role == "superuser" and not roles)
        assert isinstance(access, list) or access.staff, match.view_name


@pytest.mark.django_db
@pytest.mark.parametrize("who", VISITORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_staff_action_is_refused_to_everyone_but_its_role_and_changes_nothing_then(demo, settings, action, who):
    settings.MEDIA_ROOT = demo.objects["media_root"]
    spec = ACTIONS[action]
    user = None if who == "anonymous" else visitor(demo, who, demo.users["pro"])
    client = Client()
    if user is not None:
        client.force_login(user)
    before = spec.changed(demo)
    response = client.post(spec.url(demo), spec.data(demo))
    permitted = who in (spec.role, "superuser")
    want = spec.done if permitted else (LOGIN if user is None else "403")
    assert outcome(response) == want
    assert (spec.changed(demo) != before) is (permitted and spec.changes)
