"""The one error the teams app refuses an action with."""

from __future__ import annotations


class TeamsError(Exception):
    """A refused action, with the message to show."""
