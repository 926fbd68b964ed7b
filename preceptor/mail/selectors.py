from __future__ import annotations

from preceptor.accounts.models import User
from preceptor.mail.models import EmailPreference


def preferences_for(user: User) -> EmailPreference:
    """The member's preferences, or the defaults (unsaved: ``save()`` stores them) while they never chose, so
    that reading them, as the preferences page's GET does, writes nothing."""
    return EmailPreference.objects.filter(user=user).first() or EmailPreference(user=user)
