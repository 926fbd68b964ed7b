from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as DjangoSessionStore

from preceptor.core.sessions import session_read


class SessionStore(DjangoSessionStore):
    """Django's cached database sessions, read from the database with a written-out statement on a cache miss."""

    def _get_session_from_db(self) -> Any:
        return session_read(self)
