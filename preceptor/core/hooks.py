"""Extension points: how a lower app lets the apps above it take part without importing them.

An app that needs something only a higher app knows (the course page showing the CME accreditation, the
sign-up giving the new member a profile, a domain event reaching the ad-conversion sender) declares a
:class:`Hook` in its own ``hooks.py``. The higher app registers a function on it in its
``AppConfig.ready()``; the lower app calls the hook and gets every registered function's answer. Imports
then only ever point down the layers (``docs/architecture.md``), and ``lint-imports`` keeps it so.

A hook's functions run in the caller's transaction, in registration order (``INSTALLED_APPS`` order).
A function registered on a hook must never assume the others ran, and must never swallow errors: a
failing hook fails the caller, as a direct call would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from datetime import datetime

    from preceptor.core.models import DomainEvent

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """A named list of functions with one signature. ``Hook[[Course, User], Panel | None]("catalog.course")``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[Callable[P, R]] = []

    def register(self, function: Callable[P, R]) -> Callable[P, R]:
        """Add ``function`` (once: registering the same function again is a no-op). Usable as a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def call(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Every registered function's answer, in registration order."""
        return [function(*args, **kwargs) for function in self._functions]

    @property
    def functions(self) -> tuple[Callable[P, R], ...]:
        return tuple(self._functions)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"


@dataclass(frozen=True)
class Panel:
    """A part of a page that a higher app contributes through a page's hook: rendered with
    ``{% render_panel panel %}`` (``core/templatetags/preceptor.py``) as ``template`` with the page's context
    plus ``context``. Panels show in ascending ``order``. ``ad_free`` marks content the page must not carry
    advertising tags beside (accredited CME content)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    ad_free: bool = False


def panels(found: list[Panel | None]) -> list[Panel]:
    """A page hook's answers without the ``None``s (nothing to show), in display order."""
    return sorted((panel for panel in found if panel is not None), key=lambda panel: panel.order)


domain_event_recorded: Hook[[DomainEvent], None] = Hook("core.domain_event_recorded")
"""Called once per new domain event (trial started, purchase completed), inside the recording transaction:
consumers (ad conversions, statistics goals) queue their own work with ``transaction.on_commit``."""

email_refused: Hook[[str], bool] = Hook("core.email_refused")
"""Asked by ``core.tasks.email_send``, when the message is sent, for each recipient of mail sent unasked (it
carries ``List-Unsubscribe``): any True answer drops that recipient. The mail app answers from its
suppression list (decision 0029). Mail someone asked for is never asked about."""

database_restored: Hook[[datetime], int] = Hook("core.database_restored")
"""Called by ``manage.py restore`` once the database is the backup's (and migrated), with a time a day before the
backup was taken: an app re-applies what happened since that must not be undone (idempotently: some of it is in the
backup), and answers how many records it changed. The privacy app erases again the members erased since (0034)."""
