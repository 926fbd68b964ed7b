"""gunicorn's settings for Preceptor. deploy/systemd/preceptor-web.service starts it with
``gunicorn --config deploy/gunicorn.conf.py``; the values come from the environment (/etc/preceptor/env).

- No access log (decision 0032): Preceptor keeps its own request log, with the secret parts of URLs (password
  reset keys, mail tokens) redacted; gunicorn's access log would write them out in full. gunicorn's error log
  goes to stderr (the journal) and passes through the same redaction.
- The request log is buffered in each worker (preceptor/analytics/buffer.py). A worker that stops — SIGTERM to
  gunicorn, a reload, ``max_requests`` — writes what it holds before it exits (``worker_exit``).
- ``timeout`` is longer than PostgreSQL's connect and statement timeouts, so those answer first; it bounds what
  they cannot (a server frozen mid-query). Uploads reach gunicorn only after nginx has buffered them, so a slow
  client does not hold a worker.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from preceptor.config.env import env_int, env_str

wsgi_app = "preceptor.config.wsgi:application"
bind = [address for address in env_str("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address]
workers = env_int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)  # above 1: the gthread worker
timeout = env_int("GUNICORN_TIMEOUT", 60, minimum=5)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)  # systemd's TimeoutStopSec is longer
keepalive = 5
# A worker is replaced after this many requests (spread so that they do not all restart at once): a slow leak
# never grows without bound. Its request log is flushed on the way out like any other stop.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
# nginx on the same host is the only client; it sends X-Forwarded-For and X-Forwarded-Proto (BEHIND_TLS_PROXY).
forwarded_allow_ips = env_str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
limit_request_line = 8190

accesslog = None  # never: URLs that carry secrets must not reach a log (decision 0032)
disable_redirect_access_to_syslog = True
errorlog = "-"
loglevel = env_str("LOG_LEVEL", "INFO").lower()
proc_name = "preceptor-web"


def _flush_request_log(log: Any) -> None:
    """Write the rows this process has buffered. A process that never loaded the application (the master, unless
    ``preload_app``) has none and never imported the buffer."""
    buffer = sys.modules.get("preceptor.analytics.buffer")
    if buffer is None:
        return
    try:
        written = buffer.flush()
    except Exception:
        log.exception("request log: the final flush failed")
    else:
        if written:
            log.info("request log: wrote %d buffered rows before exiting", written)


def post_worker_init(worker: Any) -> None:
    """gunicorn's own error lines name request URLs ("Error handling request /accounts/password/reset/key/…"):
    redact them as Django's log records are (core/redaction.py). The application is loaded by now."""
    from preceptor.core.redaction import SecretsFilter

    worker.log.error_log.addFilter(SecretsFilter())


def worker_exit(server: Any, worker: Any) -> None:
    """A worker stopping (SIGTERM, SIGINT/SIGQUIT, reload, max_requests) writes its buffered request log. Runs in
    the worker, after its last request."""
    _flush_request_log(server.log)


def on_exit(server: Any) -> None:
    """The master stopping: with ``preload_app`` it has the application and could have buffered rows too."""
    _flush_request_log(server.log)
