from celery import shared_task

from preceptor.privacy.services import erasures_due


@shared_task
def erasures_due_task() -> int:
    """Carry out account deletions whose 7-day cool-off has passed."""
    return erasures_due()
