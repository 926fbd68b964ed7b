"""Settings that every request reads, as plain attributes: ``per_request.REQUEST_MAX_BYTES``.

A read through ``django.conf.settings`` runs Django's lazy object's ``__getattribute__`` in Python each time; the
dozen our middleware make per request were 2% of what the whole stack costs a request (decision 0040). A value
is read from the settings once, kept here, and forgotten when a test changes that setting (``override_settings``
and pytest-django's ``settings`` fixture both announce it with ``setting_changed``). Anything not read on every
request reads ``django.conf.settings`` as usual.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class _PerRequest:
    def __getattr__(self, name: str) -> Any:  # only for a setting not kept yet
        value = getattr(settings, name)
        setattr(self, name, value)
        return value


per_request: Any = _PerRequest()


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    per_request.__dict__.pop(setting, None)
