"""W1: a burst of signed Stripe events — duplicates, shuffled, from concurrent senders — for the test and bench."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.client import HTTPConnection
from urllib.parse import urlsplit

from preceptor.billing.tests.conftest import sign, stripe_event


@dataclass
class Replay:
    bodies: list[bytes]  # what is sent, duplicates included, shuffled
    distinct: int
    subscriptions: dict[str, dict]  # provider id → what localstripe holds
    invoices: list[str]


def build(*, members: list, price, client, events: int = 1000, duplicate_share: float = 0.2, seed: int = 7) -> Replay:
    """Each member: a subscription and its paid invoice at localstripe, and eight distinct events about them."""
    distinct_target = round(events * (1 - duplicate_share))
    per_member = distinct_target // len(members)
    distinct: list[bytes] = []
    subscriptions, invoices = {}, []
    for n, user in enumerate(members):
        customer = client.v1.customers.create(
            params={"email": user.email, "metadata": {"preceptor_user": str(user.pk)}}
        )
        method = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"},
            }
        )
        client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
        client.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": method.id}})
        sub = client.v1.subscriptions.create(
            params={
                "customer": customer.id,
                "items": [{"plan": price.stripe_price_id}],
                "metadata": {"preceptor_user": str(user.pk)},
            }
        ).to_dict()
        if n % 4 == 0:  # a quarter of them cancel in the portal, so the final state is not just "active"
            sub = client.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True}).to_dict()
        subscriptions[sub["id"]] = sub
        invoice = client.v1.invoices.list(params={"customer": customer.id}).data[0].id
        invoices.append(invoice)
        kinds = ["customer.subscription.created", "invoice.paid", "checkout.session.completed"]
        kinds += ["customer.subscription.updated"] * (per_member - len(kinds))
        for k, kind in enumerate(kinds):
            obj = {"id": sub["id"], "object": "subscription"}
            if kind == "invoice.paid":
                obj = {"id": invoice, "object": "invoice", "subscription": sub["id"], "customer": customer.id}
            elif kind == "checkout.session.completed":
                obj = {
                    "id": f"cs_{sub['id']}",
                    "object": "checkout.session",
                    "mode": "subscription",
                    "subscription": sub["id"],
                }
            distinct.append(stripe_event(kind, obj, event_id=f"evt_w1_{sub['id']}_{k}"))
    rng = random.Random(seed)
    duplicates = [rng.choice(distinct) for _ in range(events - len(distinct))]
    bodies = distinct + duplicates
    rng.shuffle(bodies)
    return Replay(bodies=bodies, distinct=len(distinct), subscriptions=subscriptions, invoices=invoices)


def send(url: str, bodies: list[bytes], *, senders: int = 8) -> tuple[Counter, float]:
    """POST every body from ``senders`` threads, each on a new connection as a proxy forwards a delivery; returns
    the status codes and the wall time. The bodies are signed before the clock starts, and the client is the
    standard library's: with httpx the senders took 1.5 s of processor per 1,000 events from the 2-core machine whose
    server was being measured, against 0.5 s now (bench/w1.py prints what they take)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    parts = urlsplit(url)
    queue = [(body, sign(body)) for body in bodies]

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                body, signature = queue.pop()
            connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
            try:
                connection.request(
                    "POST",
                    parts.path,
                    body=body,
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json", "Connection": "close"},
                )
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            with lock:
                statuses[response.status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - started
