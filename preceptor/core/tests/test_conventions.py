"""Every public function in an app's ``services.py`` is a write (docs/architecture.md, "What each app owns"):
named ``<entity>_<verb>``, keyword-only, typed, one ``@transaction.atomic`` transaction, returning the object
(or a count, or None when there is none). Reads that query belong in ``selectors.py``; pure helpers in a topic
module of the app or, when only the services use them, private (``_name``). The modules are parsed, not
imported, so the check is the same on every machine."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # preceptor/

# The last word of every service name: what the services do, taken from the names they have. A verb is added
# here with the first service that needs it, and only then (``test_every_verb_in_the_vocabulary_names_a_service``).
VERBS = frozenset(
    {
        "accept",
        "acknowledge",
        "add",
        "aggregate",
        "amend",
        "approve",
        "cancel",
        "claim",
        "complete",
        "count",
        "create",
        "decide",
        "decline",
        "delete",
        "disclose",
        "end",
        "ensure",
        "export",
        "extend",
        "grant",
        "handle",
        "issue",
        "join",
        "leave",
        "notify",
        "open",
        "perform",
        "process",
        "publish",
        "purge",
        "receive",
        "record",
        "replay",
        "request",
        "resume",
        "revoke",
        "run",
        "save",
        "schedule",
        "send",
        "set",
        "start",
        "store",
        "submit",
        "sync",
        "transfer",
        "unsubscribe",
        "update",
    }
)

# Services that must not be one transaction, and why. Each write they make goes through an atomic service.
NETWORK = (
    "calls the payment provider or BigBlueButton over HTTP: no database transaction (on SQLite, the write lock) "
    "is held open across a network call; its own writes are single statements or a transaction after the call"
)
ALLOWLIST = {
    "billing.event_handle": "stores the event in its own transaction (event_store) before processing it, so that "
    "a processing that fails leaves the event stored to retry",
    "billing.event_store": "a new event is one statement (INSERT … ON CONFLICT DO NOTHING), its own transaction; a "
    "duplicate is read and counted in a transaction of its own (decision 0040)",
    "billing.subscription_cancel": NETWORK,
    "billing.subscription_resume": NETWORK,
    "billing.checkout_start": NETWORK,
    "billing.order_checkout_start": NETWORK,
    "classes.attendance_join": NETWORK,
    "classes.live_class_end": NETWORK,
    "billing.event_process": "calls the provider for each effect outside any transaction, then upserts (*_sync) "
    "and records the outcome in one; a failure must be recorded on the stored event (event_outcome_record) while "
    "the failed upserts roll back",
    "teams.assignment_reminders_send": "each reminder is its own transaction (assignment_reminder_send, recorded "
    "with the e-mail it queues), so one that fails leaves those already sent recorded as sent",
    "classes.reminders_send": "queues one e-mail per registration; each reminder is its own transaction "
    "(reminder_send), so one that fails leaves those already sent marked as sent",
    "cme.credit_claim": "raises ClaimRefused after claim_submit committed the requirement statuses "
    "(requirement 20); one transaction would roll them back with the refusal",
    "privacy.due_erasures_perform": "each erasure is its own transaction (erasure_perform), so that one that "
    "fails does not undo the others",
    "privacy.retention_run": "runs every app's purge, each its own transaction, then records the run "
    "(retention_run_record); one transaction would hold every app's tables at once",
    "mail.newsletter_batch_send": "each recipient's delivery row commits before the message leaves, so that a "
    "batch run again after a crash sends no one twice; one transaction would undo the claims with the crash",
    "mail.newsletters_due_start": "starts each due newsletter by its own conditional update and queues its first "
    "batch; one newsletter's start does not wait for, or undo, another's",
}

USER_PARAMETERS = {"user", "users", "actor", "subject"}


@dataclass(frozen=True)
class Service:
    app: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    on_a_hook: bool  # registered on a hook in the app's ``apps.py``: called positionally by the hook

    @property
    def key(self) -> str:
        return f"{self.app}.{self.node.name}"

    def __str__(self) -> str:
        return f"{self.app}/services.py:{self.node.lineno} {self.node.name}"


def registered_on_hooks(apps_source: str) -> set[str]:
    """The names of the functions an app's ``apps.py`` passes to ``<hook>.register(...)``."""
    names = set()
    for node in ast.walk(ast.parse(apps_source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register":
            for argument in node.args:
                if isinstance(argument, ast.Attribute):
                    names.add(argument.attr)
                elif isinstance(argument, ast.Name):
                    names.add(argument.id)
    return names


def public_services(source: str, app: str, hooked: set[str]) -> list[Service]:
    return [
        Service(app, node, node.name in hooked)
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
    ]


def every_service() -> list[Service]:
    found = []
    for path in sorted(PACKAGE.glob("*/services.py")):
        apps = path.with_name("apps.py")
        hooked = registered_on_hooks(apps.read_text()) if apps.exists() else set()
        found += public_services(path.read_text(), path.parent.name, hooked)
    return found


def positional_parameters(service: Service) -> list[str]:
    arguments = service.node.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args]
    if arguments.vararg:
        names.append(f"*{arguments.vararg.arg}")
    return [] if service.on_a_hook and not arguments.vararg else names


def untyped(service: Service) -> list[str]:
    """Parameters without an annotation, "return" when the result has none, and members typed as ``Any``."""
    arguments = service.node.args
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    missing = [a.arg for a in every if a.annotation is None]
    missing += [
        f"{a.arg}: Any"
        for a in every
        if a.arg in USER_PARAMETERS and a.annotation is not None and "Any" in ast.unparse(a.annotation)
    ]
    if service.node.returns is None:
        missing.append("return")
    return missing


def is_atomic(service: Service) -> bool:
    """Decorated ``@transaction.atomic`` or ``@transaction.atomic(...)`` (``savepoint=False``, ``durable=True``)."""
    for decorator in service.node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("transaction.atomic", "django.db.transaction.atomic"):
            return True
    return False


def is_entity_verb(name: str) -> bool:
    words = name.split("_")
    return len(words) >= 2 and all(words) and words[-1] in VERBS


def test_there_are_services_to_check():
    services = every_service()
    assert len({s.app for s in services}) >= 10
    assert "billing.order_create" in {s.key for s in services}


def test_every_public_service_takes_keyword_arguments_only_unless_a_hook_calls_it():
    offenders = [f"{s}: positional {positional_parameters(s)}" for s in every_service() if positional_parameters(s)]
    assert not offenders, "make these keyword-only (*, ...):\n" + "\n".join(offenders)


def test_every_public_service_types_its_parameters_and_its_result():
    offenders = [f"{s}: untyped {untyped(s)}" for s in every_service() if untyped(s)]
    assert not offenders, "annotate these (a member is preceptor.accounts.models.User):\n" + "\n".join(offenders)


def test_every_public_service_is_one_transaction_unless_the_allowlist_says_why():
    offenders = [str(s) for s in every_service() if not is_atomic(s) and s.key not in ALLOWLIST]
    assert not offenders, (
        "decorate these @transaction.atomic, move a read to selectors.py or a pure helper out of services.py "
        "(or make it _private), or add it to ALLOWLIST with the reason:\n" + "\n".join(offenders)
    )


def test_every_public_service_is_named_entity_then_verb():
    offenders = [str(s) for s in every_service() if not is_entity_verb(s.node.name)]
    assert not offenders, f"name these <entity>_<verb> with a verb from VERBS {sorted(VERBS)}:\n" + "\n".join(offenders)


def test_the_allowlist_names_only_services_that_exist_and_are_not_atomic_with_a_reason():
    services = {s.key: s for s in every_service()}
    assert not set(ALLOWLIST) - set(services), "allowlisted, but no such service"
    assert not [key for key in ALLOWLIST if is_atomic(services[key])], "allowlisted, but atomic after all"
    assert all(len(reason) > 20 for reason in ALLOWLIST.values())


def test_every_verb_in_the_vocabulary_names_a_service():
    used = {s.node.name.split("_")[-1] for s in every_service()}
    assert not VERBS - used, f"verbs no service uses: {sorted(VERBS - used)}"


BAD_SERVICES = """
from django.db import transaction


def grade(question, options: list[int]) -> bool:
    return True


@transaction.atomic
def widget_frobnicate(*, widget, user: Any):
    pass


def widget_update(*, widget: int) -> int:
    return widget


@transaction.atomic(savepoint=False)
def widget_create(*, name: str) -> int:
    return 1


@transaction.atomic
def widget_create_for_account(user: int) -> None:
    pass


def _helper(x):
    return x
"""


def test_the_checks_name_each_offence_in_a_bad_services_module():
    bad = {s.node.name: s for s in public_services(BAD_SERVICES, "widgets", {"widget_create_for_account"})}
    assert set(bad) == {"grade", "widget_frobnicate", "widget_update", "widget_create", "widget_create_for_account"}
    assert positional_parameters(bad["grade"]) == ["question", "options"]
    assert untyped(bad["grade"]) == ["question"]
    assert not is_atomic(bad["grade"]) and not is_entity_verb("grade")
    assert untyped(bad["widget_frobnicate"]) == ["widget", "user: Any", "return"]
    assert not is_entity_verb("widget_frobnicate")
    assert not is_atomic(bad["widget_update"]) and is_entity_verb("widget_update")
    assert is_atomic(bad["widget_create"]) and not untyped(bad["widget_create"])
    assert positional_parameters(bad["widget_create_for_account"]) == []  # the hook calls it positionally
    assert not is_entity_verb("widget_create_for_account")
