from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore

from preceptor.core.sessions import WrittenOutRead


class SessionStore(WrittenOutRead, DjangoSessionStore):
    """Django's database sessions, read with a written-out statement."""
