"""The site header's links that depend on who is looking (base.html)."""

from __future__ import annotations

from django import template

from preceptor.accounts.models import User
from preceptor.site.views import staff_pages

register = template.Library()


@register.simple_tag
def opens_staff_pages(user: object) -> bool:
    """Whether the header links to /staff/: a staff member whose roles open at least one back-office page (the
    staff index's own filter; staff status alone opens nothing)."""
    return isinstance(user, User) and user.is_active and user.is_staff and bool(staff_pages(user))
