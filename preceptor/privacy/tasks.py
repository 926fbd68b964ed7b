from celery import shared_task

from preceptor.privacy.services import erasures_due, retention_run


@shared_task
def erasures_due_task() -> int:
    """Carry out account deletions whose 7-day cool-off has passed."""
    return erasures_due()


@shared_task
def retention_task() -> dict[str, int]:
    """The daily retention jobs of every app (see ``privacy.registry.purge``)."""
    return retention_run().counts
