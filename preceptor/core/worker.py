"""A worker that starts on Redis takes back the tasks of a worker that died in the middle of them (decision 0022).

Tasks are acknowledged after they ran (``task_acks_late``). On Redis, a task whose worker was killed outright (the
machine lost, SIGKILL to the whole worker) waits in the broker's "unacked" set until the visibility timeout — longer
than any task may run, about 11 minutes — before it is handed out again. When a worker starts and no other worker
answers a ping, every task left unacknowledged before it started belongs to a worker that is gone: it is queued
again at once, so the task runs again within the restart delay (systemd restarts the worker in seconds). With
another worker alive, nothing is taken (that worker may be running them); the visibility timeout still applies."""

from __future__ import annotations

import logging
import time
from typing import Any

from celery.signals import worker_ready

logger = logging.getLogger(__name__)
STARTED_AT = time.time()  # imported by the worker's main process as it starts


@worker_ready.connect
def unacknowledged_restore(sender: Any, **kwargs: Any) -> int:
    app = sender.app
    if not str(app.conf.broker_url or "").startswith(("redis://", "rediss://", "unix://")):
        return 0  # RabbitMQ hands a dead consumer's messages on by itself
    others = sorted({name for reply in app.control.ping(timeout=1.0) for name in reply} - {sender.hostname})
    if others:
        logger.info("Other workers are running (%s): their unacknowledged tasks stay theirs", ", ".join(others))
        return 0
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        with channel.conn_or_acquire() as client:
            tags = client.zrange(channel.unacked_index_key, 0, STARTED_AT, byscore=True)
            for tag in tags:
                channel.qos.restore_by_tag(tag, client)
    if tags:
        logger.warning("Queued again %d task(s) left unacknowledged by a worker that stopped", len(tags))
    return len(tags)
