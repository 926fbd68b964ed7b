from celery import shared_task

from preceptor.privacy.services import due_erasures_perform, retention_run


@shared_task
def erasures_due_task() -> int:
    """Carry out account deletions whose 7-day cool-off has passed."""
    return due_erasures_perform()


@shared_task
def retention_task() -> dict[str, int]:
    """The daily retention jobs of every app (see ``privacy.registry.purge``)."""
    return retention_run().counts
