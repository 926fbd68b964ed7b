"""S1: 60 seconds of mixed traffic at 16 connections through nginx against two gunicorn instances (2 workers
each) on one PostgreSQL (a cluster of the bench's own), Redis, an S3 bucket (moto's server), a Celery worker and
beat — the processes of preceptor/core/tests/test_multi_instance.py. Each connection loops over, by weight:
visitors reading the front page, the catalogue, a course and the magazine (50%); Pro members opening a lesson
(20%) and posting the player's progress report (20%); signed Stripe webhooks from a replay of 1,000 events
against localstripe (10%). Prints one JSON line: requests, requests/s, p50/p95/p99 in ms, errors (any status
≥ 400 or a failed connection), per kind. Needs PostgreSQL's binaries, redis-server on 6379, nginx and
localstripe; run by bench/run.py, or alone: .venv/bin/python bench/s1.py [seconds]."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.client import HTTPSConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONNECTIONS = 16
HOST = "cme.example.org"
KINDS = [("visitor", 50), ("lesson", 20), ("progress", 20), ("webhook", 10)]
VISITOR_PATHS = ["/", "/courses/", "/courses/ecg-essentials/", "/magazine/", "/pricing/"]
LESSON = "/courses/ecg-essentials/the-12-leads/"


def prepare(members: int) -> None:
    """In a process of its own, on the stack's database (DATABASE_URL) and the Stripe fake: prints the signed-in
    Pro members' session cookies and the webhook bodies of a replay of 1,000 events (as bench/w1.py builds it)."""
    import base64

    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from bench.seed_scale import session_cookie
    from preceptor.accounts.services import account_create, complimentary_pro_grant
    from preceptor.billing.models import Price
    from preceptor.billing.providers.registry import get
    from preceptor.billing.tests.replay import build

    stamp = time.time_ns()
    cookies = []
    for n in range(members):
        user = account_create(email=f"s1-{stamp}-{n}@bench.example", full_name=f"S1 {n}", password=None)
        complimentary_pro_grant(user=user, until=timezone.now() + timedelta(days=30), actor=None)
        cookies.append(session_cookie(user.email))
    client = get("stripe").client
    plan = f"s1-{stamp}"
    product = client.v1.products.create(params={"name": "Pro"})
    client.v1.plans.create(
        params={"id": plan, "product": product.id, "amount": 2900, "currency": "eur", "interval": "month"}
    )
    price, _ = Price.objects.update_or_create(
        interval="month", currency="EUR", defaults={"amount": 2900, "stripe_price_id": plan}
    )
    payers = [
        account_create(email=f"s1-pay-{stamp}-{n}@bench.example", full_name=f"Payer {n}", password=None)
        for n in range(100)
    ]
    replay = build(members=payers, price=price, client=client)
    print(json.dumps({"cookies": cookies, "webhooks": [base64.b64encode(b).decode() for b in replay.bodies]}))


def sign(payload: bytes, secret: str) -> str:
    """Stripe's signature header for ``payload`` (t=…,v1=HMAC-SHA256 of "t.payload")."""
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def load(port: int, seconds: int, cookies: list[str], webhooks: list[bytes], secret: str) -> dict:
    tls = ssl.create_default_context()
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
    stop = time.monotonic() + seconds
    durations: dict[str, list[float]] = {kind: [] for kind, _ in KINDS}
    errors: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    pending = list(webhooks)
    lock = threading.Lock()

    def worker(n: int) -> None:
        chooser = random.Random(n)
        connection = HTTPSConnection("127.0.0.1", port, timeout=30, context=tls)
        token = secrets.token_hex(16)  # the CSRF cookie and header agree, as the page's script sends them
        member = f"{cookies[n % len(cookies)]}; csrftoken={token}"
        while time.monotonic() < stop:
            kind = chooser.choices([k for k, _ in KINDS], weights=[w for _, w in KINDS])[0]
            headers = {"Host": HOST}
            body: bytes | None = None
            method, path = "GET", chooser.choice(VISITOR_PATHS)
            if kind == "lesson":
                path, headers["Cookie"] = LESSON, member
            elif kind == "progress":
                method, path = "POST", f"{LESSON}progress/"
                body = f"position={chooser.uniform(0, 60):.2f}&watched=2.0".encode()
                headers |= {
                    "Cookie": member,
                    "X-CSRFToken": token,
                    "Referer": f"https://{HOST}{LESSON}",
                    "Origin": f"https://{HOST}",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            elif kind == "webhook":
                with lock:
                    body = pending.pop() if pending else None
                if body is None:
                    continue
                method, path = "POST", "/webhooks/stripe/"
                headers |= {"Stripe-Signature": sign(body, secret), "Content-Type": "application/json"}
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                connection.close()
                connection = HTTPSConnection("127.0.0.1", port, timeout=30, context=tls)
                status = 0
            took = time.perf_counter() - began
            with lock:
                durations[kind].append(took)
                statuses[status] += 1
                if status == 0 or status >= 400:
                    errors[kind] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    flat = sorted(d for ds in durations.values() for d in ds)

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else 0.0

    return {
        "seconds": round(elapsed, 1),
        "connections": CONNECTIONS,
        "requests": len(flat),
        "rps": round(len(flat) / elapsed, 1),
        "p50_ms": pct(flat, 0.5),
        "p95_ms": pct(flat, 0.95),
        "p99_ms": pct(flat, 0.99),
        "errors": sum(errors.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "kinds": {
            kind: {"requests": len(values), "p95_ms": pct(values, 0.95), "errors": errors[kind]}
            for kind, values in durations.items()
        },
    }


WEBHOOK_SECRET = "whsec_bench_s1"


def main() -> None:
    import base64

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")
    django.setup()  # to import the stack's helpers; this process itself uses no database
    from preceptor.core.tests.test_deploy import free_port
    from preceptor.core.tests.test_multi_instance import Stack

    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    stripe_port = free_port()
    localstripe = subprocess.Popen(
        [shutil.which("localstripe") or str(Path(sys.executable).parent / "localstripe"), "--port", str(stripe_port),
         "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    stripe = {
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}",
    }
    folder = Path(tempfile.mkdtemp(prefix="preceptor-s1-"))
    stack = None
    try:
        extra = {**stripe, "BEHIND_TLS_PROXY": "1", "LOG_LEVEL": "WARNING", "REQUEST_LOG_ENABLED": "1"}
        stack = Stack(folder, extra_env=extra)
        stack.manage("seed_demo", "--force")  # the demo courses and articles; its accounts are not used
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare", str(CONNECTIONS)],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if prepared.returncode:
            raise RuntimeError(prepared.stderr[-3000:])
        data = json.loads(prepared.stdout.strip().splitlines()[-1])
        webhooks = [base64.b64decode(body) for body in data["webhooks"]]
        port = stack.nginx_start()
        load(port, 3, data["cookies"], [], WEBHOOK_SECRET)  # warm-up: the instances' caches and connections
        result = load(port, seconds, data["cookies"], webhooks, WEBHOOK_SECRET)
        result["stack"] = "nginx → 2 gunicorn × 2 workers, PostgreSQL, Redis, S3 (moto), Celery worker and beat"
        print(json.dumps(result))
    finally:
        if stack is not None:
            stack.close()
        os.killpg(localstripe.pid, signal.SIGTERM)
        localstripe.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(int(sys.argv[2]))
    else:
        main()
