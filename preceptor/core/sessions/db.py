from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore

from preceptor.core.sessions import session_read


class SessionStore(DjangoSessionStore):
    """Django's database sessions, read with a written-out statement."""

    def _get_session_from_db(self) -> Any:
        return session_read(self)
