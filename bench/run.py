"""Benchmarks: figures as ratios to a baseline measured in the same run (../shared/spec/performance.md).

B0  a bare Django view (no middleware, no DB) under gunicorn, 2 sync workers, wrk -t1 -c16
B1  the same view behind the full middleware stack; goal ≥ 70% of B0

Rounds alternate B0 and B1 so that machine noise hits both alike; each figure is the median of its rounds.
Writes the table to stdout and bench/results/latest.md. Never fails the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CASES = {"B0": "bench.settings_b0", "B1": "bench.settings_b1"}
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(settings_module: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",  # as in production behind a TLS-terminating proxy
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "preceptor.config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/ok", headers=HEADERS)
            if urllib.request.urlopen(request, timeout=1).read() == b"ok":
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"server for {settings_module} did not start")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def load_wrk(port: int, seconds: int) -> float:
    args = ["wrk", "-t1", "-c16", f"-d{seconds}s"]
    for name, value in HEADERS.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}/ok"], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} error responses:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def load_python(port: int, seconds: int, connections: int = 16) -> float:
    """A bounded fallback when wrk is not installed: 16 threads, new connection per request."""
    stop = time.monotonic() + seconds
    counts = [0] * connections

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            conn = HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/ok", headers=HEADERS)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    load = load_wrk if shutil.which("wrk") else load_python
    tool = "wrk -t1 -c16" if load is load_wrk else "python client, 16 threads (install wrk for the reference figure)"

    figures: dict[str, list[float]] = {name: [] for name in CASES}
    servers = {name: (port := free_port(), start_server(module, port)) for name, module in CASES.items()}
    try:
        for _ in range(args.rounds):
            for name, (port, _process) in servers.items():
                load(port, 1)  # warm-up
                figures[name].append(load(port, args.seconds))
    finally:
        for _port, process in servers.values():
            stop_server(process)

    b0 = statistics.median(figures["B0"])
    b1 = statistics.median(figures["B1"])
    rows = [
        ("B0", "bare view, no middleware (baseline)", b0, 1.0, "denominator"),
        ("B1", "full middleware stack, same view", b1, b1 / b0, "≥ 70% of B0"),
    ]
    lines = [
        f"# Benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn, 2 sync workers; load: {tool}; {args.rounds} alternating rounds of {args.seconds} s; median.",
        "",
        "| id | what | req/s | ratio to B0 | goal | rounds (req/s) |",
        "|---|---|---:|---:|---|---|",
    ]
    for ident, what, value, ratio, goal in rows:
        rounds = ", ".join(f"{v:,.0f}" for v in figures[ident])
        lines.append(f"| {ident} | {what} | {value:,.0f} | {ratio:.0%} | {goal} | {rounds} |")
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
