from django.contrib.sessions.backends.cached_db import SessionStore as DjangoSessionStore

from preceptor.core.sessions import WrittenOutRead


class SessionStore(WrittenOutRead, DjangoSessionStore):
    """Django's cached database sessions, read from the database with a written-out statement on a cache miss."""
