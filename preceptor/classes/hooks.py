"""Where the apps above the classes take part in a class page (see ``core.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preceptor.core.hooks import Hook, Panel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from preceptor.accounts.models import User
    from preceptor.classes.models import LiveClass

class_panels: Hook[[LiveClass, User | AnonymousUser], Panel | None] = Hook("classes.class_panels")
"""Parts of a live class's page that other apps own (the CME accreditation box); with the viewer."""
