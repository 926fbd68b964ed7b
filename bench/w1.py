"""W1: 1,000 signed Stripe events (20% duplicates, shuffled, 8 concurrent senders) against gunicorn, with
localstripe as Stripe. Prints one JSON line: events/s, status codes, and whether the end state is exact.
Run by bench/run.py with the environment of a throw-away database (SQLite by default, or DATABASE_URL)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up: {exc!r}") from None
            time.sleep(0.1)


def main() -> None:
    from preceptor.billing.tests.conftest import WEBHOOK_SECRET

    stripe_port, web_port = free_port(), free_port()
    os.environ.update(
        SECURE_SSL_REDIRECT="0",  # the senders post plain HTTP on loopback, as a TLS proxy would
        EMAIL_URL="dummy:",
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
    )
    localstripe = subprocess.Popen(
        [
            shutil.which("localstripe") or str(Path(sys.executable).parent / "localstripe"),
            "--port",
            str(stripe_port),
            "--from-scratch",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "preceptor.config.wsgi:application",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        wait(f"http://127.0.0.1:{stripe_port}/v1/customers", localstripe)
        wait(f"http://127.0.0.1:{web_port}/healthz", web)
        import django

        django.setup()
        from preceptor.accounts.services import account_create
        from preceptor.billing.models import Price, ProviderEvent, Receipt, Subscription
        from preceptor.billing.providers.registry import get
        from preceptor.billing.tests.replay import build, send

        client = get("stripe").client
        plan = f"w1-{time.time_ns()}"
        product = client.v1.products.create(params={"name": "Pro"})
        client.v1.plans.create(
            params={"id": plan, "product": product.id, "amount": 2900, "currency": "eur", "interval": "month"}
        )
        price, _ = Price.objects.update_or_create(
            interval="month", currency="EUR", defaults={"amount": 2900, "stripe_price_id": plan}
        )
        stamp = time.time_ns()
        members = [
            account_create(email=f"w1-{stamp}-{n}@bench.example", full_name=f"W1 {n}", password=None)
            for n in range(100)
        ]
        replay = build(members=members, price=price, client=client)
        statuses, seconds = send(f"http://127.0.0.1:{web_port}/webhooks/stripe/", replay.bodies)
        event_ids = {json.loads(body)["id"] for body in replay.bodies}
        subs = Subscription.objects.filter(provider_id__in=list(replay.subscriptions))
        exact = (
            ProviderEvent.objects.filter(event_id__in=event_ids, status="processed").count() == replay.distinct
            and subs.count() == 100
            and all(
                (s.status, s.cancel_at_period_end)
                == (
                    replay.subscriptions[s.provider_id]["status"],
                    replay.subscriptions[s.provider_id]["cancel_at_period_end"],
                )
                for s in subs
            )
            and Receipt.objects.filter(provider_id__in=replay.invoices).count() == 100
        )
        errors = sum(count for status, count in statuses.items() if status != 200)
        print(
            json.dumps(
                {
                    "events_per_s": len(replay.bodies) / seconds,
                    "seconds": seconds,
                    "errors": errors,
                    "exact": exact,
                    "statuses": dict(statuses),
                }
            )
        )
    finally:
        for process in (web, localstripe):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
