from celery import shared_task


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def conversion_task(self, event_id: int) -> list[str]:
    from preceptor.analytics.conversions import conversion_send
    from preceptor.core.models import DomainEvent

    event = DomainEvent.objects.select_related("user").filter(pk=event_id).first()
    return conversion_send(event=event) if event else []
