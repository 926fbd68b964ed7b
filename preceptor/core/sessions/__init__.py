"""Django's database session engines, reading the session with a written-out statement (decision 0043).

Every request of a signed-in member reads its session; the ORM's ``get()`` cost several times the statement
itself to build. ``SESSION_ENGINE`` names ``preceptor.core.sessions.db`` (no Redis) or
``preceptor.core.sessions.cached_db``: the same table, data and rules (an expired or unknown key is no session)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone


def session_read(store: Any) -> Any:
    """``SessionStore._get_session_from_db`` of both engines: the unexpired session row, or None."""
    model = store.model
    found = list(
        model.objects.raw(
            f"SELECT * FROM {model._meta.db_table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 -- the table is the model's; the values are parameters
            [store.session_key, timezone.now()],
        )
    )
    if not found:
        store._session_key = None
        return None
    return found[0]
