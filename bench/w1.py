"""W1: 1,000 signed Stripe events (20% duplicates, shuffled, 8 concurrent senders) against gunicorn. localstripe
makes the customers, subscriptions and invoices; the webhook handler's re-reads go to bench/stripe_fake.py, which
answers them from memory exactly as localstripe answered them, so that the figure is ours and not localstripe's
(W1_FAKE=0: the handler reads localstripe directly, as before). Prints one JSON line: events/s, status codes,
whether the end state is exact, and the fake's own figures: the re-reads it answered during the burst (and their
rate) and the rate it sustains for 8 keep-alive readers on its own.
Run by bench/run.py with the environment of a throw-away database (SQLite by default, or DATABASE_URL)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

import stripe

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


def fake_call(port: int, method: str, path: str) -> dict:
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path)
    body = json.loads(conn.getresponse().read())
    conn.close()
    return body


def fake_capacity(port: int, path: str, *, readers: int = 8, seconds: float = 2.0) -> float:
    """GETs per second the fake answers on its own to ``readers`` keep-alive clients (a lower bound: the
    clients share this process)."""
    counts = [0] * readers
    stop = time.monotonic() + seconds

    def reader(i: int) -> None:
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Authorization": "Bearer sk_test_bench"})
            conn.getresponse().read()
            counts[i] += 1
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def main() -> None:
    from preceptor.billing.tests.conftest import WEBHOOK_SECRET

    use_fake = os.environ.get("W1_FAKE", "1") != "0"
    stripe_port, fake_port, web_port = free_port(), free_port(), free_port()
    localstripe_url = f"http://127.0.0.1:{stripe_port}"
    os.environ.update(
        SECURE_SSL_REDIRECT="0",  # the senders post plain HTTP on loopback, as a TLS proxy would
        EMAIL_URL="dummy:",
        STRIPE_SECRET_KEY="sk_test_bench",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=f"http://127.0.0.1:{fake_port}" if use_fake else localstripe_url,
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
    fake = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "stripe_fake.py"), str(fake_port), localstripe_url],
        stdout=subprocess.DEVNULL,
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
        wait(f"http://127.0.0.1:{fake_port}/__fake/stats", fake)
        wait(f"http://127.0.0.1:{web_port}/healthz", web)
        import django

        django.setup()
        from preceptor.accounts.services import account_create
        from preceptor.billing.models import Price, ProviderEvent, Receipt, Subscription
        from preceptor.billing.providers.registry import get
        from preceptor.billing.providers.stripe import API_VERSION
        from preceptor.billing.tests.replay import build, send

        client = stripe.StripeClient(
            "sk_test_bench", stripe_version=API_VERSION, base_addresses={"api": localstripe_url}
        )
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
        if use_fake:
            # The handler's reads, once, through the fake: it keeps localstripe's answers; then zero its counters.
            provider = get("stripe")
            for sub_id in replay.subscriptions:
                provider.fetch_subscription(sub_id)
            for invoice_id in replay.invoices:
                provider.fetch_payment(invoice_id)
            fake_call(fake_port, "POST", "/__fake/reset")
        senders_cpu = time.process_time()  # the senders are this process's threads
        statuses, seconds = send(f"http://127.0.0.1:{web_port}/webhooks/stripe/", replay.bodies)
        senders_cpu = time.process_time() - senders_cpu
        fake_stats = fake_call(fake_port, "GET", "/__fake/stats") if use_fake else None
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
                    "stripe": "fake" if use_fake else "localstripe",
                    "senders_cpu_s": round(senders_cpu, 2),  # processor the load itself took from the machine
                    "fake_reads": fake_stats and fake_stats["requests"],
                    "fake_misses": fake_stats and fake_stats["misses"],
                    "fake_reads_per_s": fake_stats and fake_stats["requests"] / seconds,
                    "fake_capacity_per_s": use_fake
                    and fake_capacity(fake_port, f"/v1/subscriptions/{next(iter(replay.subscriptions))}"),
                }
            )
        )
    finally:
        for process in (web, fake, localstripe):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
