from __future__ import annotations

from datetime import datetime

from django.apps import AppConfig


def _erasures_replay_after_restore(since: datetime) -> int:
    """``core.hooks.database_restored``: erase again whoever the restored backup brought back (decision 0034)."""
    from preceptor.privacy.services import erasures_replay

    return erasures_replay(since=since)


class PrivacyConfig(AppConfig):
    name = "preceptor.privacy"
    label = "privacy"

    def ready(self) -> None:
        from preceptor.accounts import hooks
        from preceptor.core import hooks as core_hooks
        from preceptor.privacy import services

        hooks.signed_up.register(services.visitor_consent_transfer)
        core_hooks.database_restored.register(_erasures_replay_after_restore)
