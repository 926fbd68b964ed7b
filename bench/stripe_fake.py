"""A fast read-only Stripe fake for bench W1 (not a test double: localstripe stays the functional fake).

The webhook handler re-reads what each event concerns (a subscription; an invoice and its charge). localstripe,
single-threaded, answers each re-read in milliseconds and so capped W1 near its own rate. This fake answers GETs
from memory, byte for byte as localstripe answered them: a GET it has not seen yet is passed once to the upstream
(localstripe) and its answer kept, so the JSON shapes the handler reads are localstripe's own. bench/w1.py warms
it by running the handler's reads once before the timed burst, then reads its counters:

    GET /__fake/stats   {"requests": answered GETs, "misses": GETs passed upstream, "seconds": since reset}
    POST /__fake/reset  zero the counters

Run: python bench/stripe_fake.py PORT UPSTREAM_URL  (prints "ready" once listening). Threaded, HTTP/1.1 keep-alive.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Store:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.lock = threading.Lock()
        self.requests = 0
        self.misses = 0
        self.since = time.monotonic()

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        answer = self.answers.get(path)
        if answer is None:
            answer = self._fetch(path, headers)
            with self.lock:
                self.answers[path] = answer
                self.misses += 1
        with self.lock:
            self.requests += 1
        return answer

    def _fetch(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(self.upstream + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def stats(self) -> dict:
        with self.lock:
            return {"requests": self.requests, "misses": self.misses, "seconds": time.monotonic() - self.since}

    def reset(self) -> None:
        with self.lock:
            self.requests = self.misses = 0
            self.since = time.monotonic()


def handler_for(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the Stripe client reuses its connections
        disable_nagle_algorithm = True  # else each answer waits ~40 ms for the client's delayed ACK

        def _send(self, status: int, body: bytes) -> None:
            """Status line, headers and body in one write (one segment on loopback)."""
            head = (
                f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            self.wfile.write(head.encode() + body)

        def do_GET(self) -> None:
            if self.path == "/__fake/stats":
                self._send(200, json.dumps(store.stats()).encode())
                return
            forwarded = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "stripe-version")}
            self._send(*store.get(self.path, forwarded))

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/__fake/reset":
                store.reset()
                self._send(200, b"{}")
                return
            self._send(405, b'{"error": {"message": "the W1 fake only answers reads"}}')

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    port, upstream = int(sys.argv[1]), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(Store(upstream)))
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
