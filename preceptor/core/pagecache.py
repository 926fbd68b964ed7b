"""A signed-in member's pages, kept rendered until something they show changes (decision 0043).

A page is kept under a key of everything it is rendered from: the address, the member, a version of the content
every member shares, a version of the member's own state, the language, the time zone, the CSRF secret its forms
carry and the privacy choice its banner reflects. The two versions live in the database (``PageVersion``: row 0 for
the shared content, one row per member) and are read in one statement before the view would run, so that a write in
any process is seen by every process, whatever cache the pages are kept in. A version is a random number, written by
one upsert in the same transaction as the write it stands for: a page rendered from the old data is kept under the
old version, which no one asks for once the write is committed.

What moves a version:
- a write to a table of shared content (courses, classes, quizzes, policies, organisations' assignments …, and every
  table not declared otherwise) moves the content version. It is seen at the database connection (an execute
  wrapper), so ``QuerySet.update()``, ``bulk_create()`` and written-out SQL move it as ``save()`` does;
- a write to a member's own rows (``install(own=…)``: enrolments, progress, subscriptions, claims …) moves that
  member's version, from ``post_save`` / ``post_delete``; a service that writes them with ``update()`` or
  ``bulk_create()`` calls ``members_changed`` itself;
- tables that no kept page shows (``install(ignored=…)``: the request log, sessions, audit events, mail events …)
  move nothing.

The content version also keys what is cached of the shared content itself (a course's outline and cards, an
activity's accreditation: ``content_version``), so that it is forgotten by the same writes, in every process.

A kept page lives at most ``PAGE_CACHE_SECONDS`` (60 by default; 0 keeps nothing): what changes with time alone — a
trial's last day, a class going live, the year in the footer — shows within that bound. Pages are kept only for a
signed-in member's GET that carries a CSRF cookie and no message waiting to be shown, and only a plain 200 that sets
no cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.functional import empty

CONTENT = 0  # PageVersion's row of the shared content; a member's row is their id
TABLE = "core_pageversion"
_UPSERT = (
    f"INSERT INTO {TABLE} (scope, version) VALUES (%s, %s) "  # noqa: S608 -- a constant table name, values as parameters
    "ON CONFLICT (scope) DO UPDATE SET version = excluded.version"
)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_content_tables: frozenset[str] = frozenset()
_owner_fields: dict[type[Model], str] = {}
_shared_when: dict[type[Model], Callable[[Any, Any], bool]] = {}
_installed = False
_migrating = False  # the version table may not exist yet; post_migrate moves the content version once instead
# Within a request, the versions as first read (the page's key and the shared caches agree); None outside one.
_read: ContextVar[dict[int, int] | None] = ContextVar("preceptor_page_versions", default=None)


def _bump(connection: BaseDatabaseWrapper, scopes: Iterable[int]) -> None:
    rows = [(scope, secrets.randbits(62)) for scope in sorted(set(scopes))]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, rows)
        read = _read.get()
        if read is not None:
            read.update(rows)  # what this request reads after its own write


def members_changed(user_ids: Iterable[int | None], *, using: str = "default") -> None:
    """Forget the kept pages of these members (a write to their own rows that no signal reports)."""
    _bump(connections[using], (pk for pk in user_ids if pk))


def content_changed(*, using: str = "default") -> None:
    """Forget every member's kept pages."""
    _bump(connections[using], (CONTENT,))


def _table_written(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes (as Django and our written-out statements spell them)."""
    text = sql.lstrip()
    verb = text[:7].upper()
    if not verb.startswith(_WRITES):
        return None
    words = text.replace('"', " ").replace("`", " ").replace("(", " ").split(None, 6)
    # UPDATE t, UPDATE OR IGNORE t; INSERT INTO t, INSERT OR IGNORE INTO t (SQLite's many-to-many add), REPLACE
    # INTO t; DELETE FROM t
    if verb.startswith("UPDATE"):
        at = 3 if len(words) > 1 and words[1].upper() == "OR" else 1
    else:
        upper = [word.upper() for word in words]
        at = next((n + 1 for n, word in enumerate(upper) if word in ("INTO", "FROM")), len(words))
    return words[at].lower() if len(words) > at else ""


def _content_writes(execute: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """Execute wrapper: a write to a table of shared content moves the content version, in the same transaction."""
    result = execute(sql, params, many, context)
    if not _migrating and _table_written(sql) in _content_tables:
        _bump(context["connection"], (CONTENT,))
    return result


def _watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: every connection reports its writes to shared content."""
    if _content_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_content_writes)


def install(
    *, own: dict[str, str], ignored: Iterable[str], shared_when: Mapping[str, Callable[[Any, Any], bool]] | None = None
) -> None:
    """Called once by the top layer (site) when apps are ready. ``own``: model label → the field naming the member
    whose own state a row is (``"pk"`` for the user model); ``ignored``: labels of models no kept page shows;
    ``shared_when``: for an own model, a test of ``(instance, update_fields)`` that says a write also changes the
    shared content (a teacher's name, which course pages show). Every other table is shared content."""
    global _content_tables, _installed
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    own_models = {apps.get_model(label): field for label, field in own.items()}
    skipped = {apps.get_model(label) for label in ignored}
    # The member's groups and permissions are their own: reported by m2m_changed, below.
    member_links = {field.remote_field.through for field in user_model._meta.many_to_many}
    content = set()
    for model in apps.get_models(include_auto_created=True):
        if model in own_models or model in skipped or model in member_links or model._meta.db_table == TABLE:
            continue
        content.add(model._meta.db_table.lower())
    _content_tables = frozenset(content)
    if _installed:
        return
    _installed = True
    for model in own_models:
        post_save.connect(_own_saved, sender=model, dispatch_uid=f"pagecache.saved.{model._meta.label}")
        if model is not user_model:  # a member deleted: their row goes (_member_gone), there is nothing to move
            post_delete.connect(_own_saved, sender=model, dispatch_uid=f"pagecache.deleted.{model._meta.label}")
    for through in member_links:
        m2m_changed.connect(_member_links_changed, sender=through, dispatch_uid=f"pagecache.m2m.{through._meta.label}")
    post_delete.connect(_member_gone, sender=user_model, dispatch_uid="pagecache.member_gone")
    _owner_fields.update(own_models)
    _shared_when.update({apps.get_model(label): test for label, test in (shared_when or {}).items()})
    pre_migrate.connect(_migration_starts, dispatch_uid="preceptor.core.pagecache.pre_migrate")
    post_migrate.connect(_migration_ends, dispatch_uid="preceptor.core.pagecache.post_migrate")
    request_started.connect(_request_started, dispatch_uid="preceptor.core.pagecache.request_started")
    request_finished.connect(_request_finished, dispatch_uid="preceptor.core.pagecache.request_finished")
    connection_created.connect(_watch, dispatch_uid="preceptor.core.pagecache.watch")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)


def _migration_starts(sender: Any, **kwargs: Any) -> None:
    global _migrating
    _migrating = True


def _migration_ends(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Sent once per app after every migration has run: the content version moves once, with core's."""
    global _migrating
    _migrating = False
    if sender.label == "core" and TABLE in connections[using].introspection.table_names():  # not after core zero
        content_changed(using=using)


def _concrete(instance: Model) -> type[Model]:
    return type(instance)._meta.concrete_model or type(instance)  # a proxy counts as its model


def _owner(instance: Model) -> int | None:
    field = _owner_fields[_concrete(instance)]
    return instance.pk if field == "pk" else getattr(instance, f"{field}_id")


def _own_saved(sender: type[Model], instance: Model, raw: bool = False, using: str = "default", **kwargs: Any) -> None:
    if raw:
        return
    members_changed([_owner(instance)], using=using)
    shared = _shared_when.get(_concrete(instance))
    if shared is not None and shared(instance, kwargs.get("update_fields")):
        content_changed(using=using)


def _member_links_changed(
    sender: Any, instance: Model, action: str, reverse: bool, pk_set: set[int] | None, using: str, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        members_changed([instance.pk], using=using)  # user.groups.add(…)
    elif pk_set:
        members_changed(pk_set, using=using)  # group.user_set.add(…)
    else:
        content_changed(using=using)  # group.user_set.clear(): its members are no longer known here


def _member_gone(sender: Any, instance: Model, using: str = "default", **kwargs: Any) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE scope = %s", [instance.pk])  # noqa: S608 -- constant table name


def _versions(*scopes: int) -> list[int]:
    """The versions of these scopes (0 for one never written), read once per request."""
    read = _read.get()
    if read is None or any(scope not in read for scope in scopes):
        marks = ", ".join(["%s"] * len(scopes))
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT scope, version FROM {TABLE} WHERE scope IN ({marks})", scopes)  # noqa: S608 -- constant table name, values as parameters
            found = dict(cursor.fetchall())
        found = {scope: found.get(scope, 0) for scope in scopes}
        if read is None:
            return [found[scope] for scope in scopes]
        read.update(found)
    return [read[scope] for scope in scopes]


def member_with_versions_sql(table: str, pk: int) -> tuple[str, list[int]]:
    """A statement reading a member's row with the two versions of their kept pages (``remember_versions``)."""
    return (
        f"SELECT u.*, (SELECT version FROM {TABLE} WHERE scope = %s) AS page_content_version,"  # noqa: S608 -- the tables are the models', the values parameters
        f" (SELECT version FROM {TABLE} WHERE scope = u.id) AS page_member_version FROM {table} u WHERE u.id = %s",
        [CONTENT, pk],
    )


def remember_versions(user: Any) -> None:
    """The versions read with a member's row (``member_with_versions_sql``) serve the rest of the request: the
    page's key and the shared caches then cost no statement of their own."""
    read = _read.get()
    if read is not None:
        read.setdefault(CONTENT, user.page_content_version or 0)
        read.setdefault(user.pk, user.page_member_version or 0)


def content_version() -> int:
    """The version of the shared content: put it in the key of anything cached from it."""
    return _versions(CONTENT)[0]


def _request_started(**kwargs: Any) -> None:
    _read.set({})


def _request_finished(**kwargs: Any) -> None:
    _read.set(None)


def _keepable_request(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and user is not None
        and user.is_authenticated
        and bool(request.META.get("CSRF_COOKIE"))
        and not request.COOKIES.get(CookieStorage.cookie_name)  # a cookie being deleted comes back empty
        and "_messages" not in request.session
    )


def _key(request: HttpRequest) -> str:
    user_id = int(request.user.pk or 0)
    state = getattr(request, "consent", None)
    consent = (state.decided, sorted(state.granted), sorted(state.denied), state.gpc) if state is not None else None
    parts = (
        request.get_full_path(),
        user_id,
        *_versions(CONTENT, user_id),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        request.META["CSRF_COOKIE"],
        consent,
    )
    return "page:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _keepable_response(request: HttpRequest, response: HttpResponse) -> bool:
    messages = getattr(request, "_messages", None)
    storage = getattr(messages, "_wrapped", messages)
    return (
        response.status_code == 200
        and not response.cookies
        and not (storage is not None and storage is not empty and getattr(storage, "_queued_messages", None))
    )


def member_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve a signed-in member's page from what was kept, or render and keep it (see the module's text)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _keepable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            page = HttpResponse(content)
            for name, value in headers:
                page[name] = value
            get_token(request)  # the page carries the token: the cookie is refreshed as a render would
            return page
        response = view(request, *args, **kwargs)
        if type(response) is HttpResponse and _keepable_response(request, response):  # not a file, not a redirect
            cache.set(key, (response.content, list(response.items())), settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper
