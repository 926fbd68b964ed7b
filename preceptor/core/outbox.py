"""Queue a background task without losing it when the broker is away (decision 0022).

``task_enqueue(task, *args)`` hands the task to the broker; when the broker cannot take it (Redis stopped,
restarting, hanging past its socket timeout) the task is stored in the database (``OutboxTask``) and the request
goes on. For a few seconds after such a failure tasks go straight to the outbox, so requests do not each wait on
the broker, and the outage is logged once a minute, not once per task.

``outbox_flush()`` queues the stored tasks again, oldest first, each claimed by one sender at a time and deleted
once the broker took it; it stops at the first refusal (the broker is still away). The beat task
``core.tasks.outbox_send_task`` runs it every ``CELERY_OUTBOX_SECONDS``, and ``manage.py send_outbox`` runs it by
hand or from cron. A task is queued at least once: a process killed between the broker taking it and the row's
deletion queues it once more, so the tasks sent through here are idempotent or harmless to repeat.

Without a broker (``CELERY_TASK_ALWAYS_EAGER``, ``make run`` and the tests) tasks run in-process as before.
"""

from __future__ import annotations

from typing import Any

from celery import Task, current_app
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from preceptor.core.models import OutboxTask
from preceptor.core.outage import Outage
from preceptor.core.services import outbox_task_claim, outbox_task_complete, outbox_task_store, outbox_task_update

broker = Outage("task broker", retry_seconds=5.0, log_seconds=60.0)
BROKER_ERRORS = (OperationalError, OSError)


def task_enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """``task.delay(*args, **kwargs)``, or kept in the outbox when the broker cannot take it."""
    if task.app.conf.task_always_eager:
        task.apply_async(args=args, kwargs=kwargs)
        return
    error = "broker unavailable a moment ago"
    if broker.available():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except BROKER_ERRORS as exc:
            broker.failed(exc)
            error = str(exc) or exc.__class__.__name__
        else:
            broker.succeeded()
            return
    outbox_task_store(task=task.name, args=list(args), kwargs=kwargs, error=error)


def outbox_flush(*, limit: int = 1000) -> int:
    """Queue the stored tasks again; the number queued. Safe to run from several processes at once."""
    now = timezone.now()
    waiting = (
        OutboxTask.objects.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for task_id in list(waiting):
        row = outbox_task_claim(task_id=task_id)
        if row is None:
            continue  # another sender has it, or sent it already
        try:
            if current_app.conf.task_always_eager:
                current_app.tasks[row.task].apply_async(args=row.args, kwargs=row.kwargs)
            else:
                current_app.send_task(row.task, args=row.args, kwargs=row.kwargs)
        except BROKER_ERRORS as exc:
            broker.failed(exc)
            outbox_task_update(task_id=task_id, error=str(exc) or exc.__class__.__name__)
            break
        broker.succeeded()
        outbox_task_complete(task_id=task_id)
        sent += 1
    return sent
