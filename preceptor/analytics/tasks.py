from celery import shared_task

from preceptor.analytics.services import retention_run


@shared_task
def retention_task() -> dict:
    return retention_run().counts
