"""Benchmarks: figures as ratios to a baseline measured in the same run (docs/requirements.md#performance).

B0  a bare Django view (no middleware, no DB) under gunicorn, 2 sync workers, wrk -t1 -c16
B1  the same view behind the full middleware stack; goal ≥ 70% of B0. Beside it, with no goal, the same view
    behind Django's own default middleware alone ("B1 Django"): what Django's stack costs on the machine
W1  webhooks: 1,000 signed Stripe events, 20% duplicates, shuffled, 8 concurrent senders (signed before the clock
    starts, one connection each; the processor they take is printed); localstripe makes the
    objects, bench/stripe_fake.py answers the handler's re-reads (its own rate printed beside the figure); goal
    ≥ 100 events/s on SQLite, ≥ 200 on PostgreSQL, exactly-once end state, no "database is locked"
L1  logstats vs GoAccess 1.7 on two generated 1,000,000-line logs (site; mostly scripted clients), each
    without and with --ignore-crawlers: wall time, lines/s, peak memory, same totals
B3  the lesson page with the request log off: the log's throughput cost; goal ≤ 5%
C1  certificate PDFs per second in process (bench/cme.py); P1  PARS export of 100,000 completions: time and
    peak memory, beside 10,000 to show memory stays flat
D1  the data-export ZIP of a member with 1,000 enrollments, 10,000 lesson progress rows and 100 certificates
    (bench/d1.py), against a member without learning records; goal < 2 s
N1  newsletter e-mails rendered and handed to the mail backend (locmem) per second, in batches of 100, against
    the same marketing message rendered and sent with no database work (bench/newsletter.py)
B2  course page, lesson page, catalogue (/courses/) and home dashboard (/) for a signed-in Pro member, demo
    scaled to 50 courses / 500 lessons / 2,000 members, the member's browser sending its session and CSRF cookies
    (a page is kept per member until a write changes it: core/pagecache.py); goal ≥ 15% of B0, p95 ≤ 50 ms at 16
    connections, ≤ 8 SQL queries (printed as the repeated GET's, served as kept, and the page's rendered afresh with
    the shared content cached), 0 errors
S1  60 s of mixed traffic (visitors, Pro members on a lesson and its progress reports, Stripe webhooks) at 16
    connections through nginx against two gunicorn instances on PostgreSQL, Redis and an S3 bucket, with a
    Celery worker and beat (bench/s1.py); goal 0 errors, p50/p95 printed. Needs PostgreSQL's binaries, Redis on
    6379 and nginx; skipped otherwise. `--only-s1` runs it alone.

Rounds alternate B0 and B1 so that machine noise hits both alike; each figure is the median of its rounds.
Writes the table to stdout and bench/results/latest.md. Never fails the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
SECRET = secrets.token_urlsafe(50)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(settings_module: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",  # as in production behind a TLS-terminating proxy
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_server(env: dict[str, str], port: int, probe: str, headers: dict[str, str]) -> subprocess.Popen:
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
            request = urllib.request.Request(f"http://127.0.0.1:{port}{probe}", headers=headers)
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"server for {probe} did not start")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def load_wrk(port: int, path: str, headers: dict[str, str], seconds: int) -> dict:
    args = ["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", str(ROOT / "bench" / "latency.lua")]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def load_python(port: int, path: str, headers: dict[str, str], seconds: int, connections: int = 16) -> dict:
    """A bounded fallback when wrk is not installed: 16 threads, new connection per request."""
    stop = time.monotonic() + seconds
    durations: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections

    def worker(i: int) -> None:
        while time.monotonic() < stop:
            began = time.perf_counter()
            conn = HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            durations[i].append(time.perf_counter() - began)
            errors[i] += response.status >= 400

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = sorted(d for ds in durations for d in ds)
    pct = lambda q: flat[min(len(flat) - 1, int(q * len(flat)))] * 1000  # noqa: E731 -- a one-line helper local to this function
    return {
        "rps": len(flat) / seconds,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "errors": sum(errors),
        "requests": len(flat),
    }


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare_b2(workdir: Path) -> tuple[dict[str, str], dict]:
    """A throw-away SQLite database with the demo scaled to 50 courses / 500 lessons / 2,000 members."""
    env = production_env(
        "preceptor.config.settings",
        SQLITE_PATH=str(workdir / "bench.sqlite3"),
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--noinput")
    scaled = subprocess.run(
        [sys.executable, "bench/seed_scale.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return env, json.loads(scaled.strip().splitlines()[-1])


def run_w1(env: dict[str, str], *, migrate: bool = False) -> dict:
    if migrate:
        manage(env, "migrate", "--noinput")
    out = subprocess.run(
        [sys.executable, "bench/w1.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_s1(seconds: int = 60) -> dict | None:
    """S1, or None when the machine lacks what it starts (PostgreSQL's initdb, Redis on 6379, nginx)."""
    needs = [shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), shutil.which("redis-cli")]
    needs.append(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))
    if not all(needs):
        return None
    out = subprocess.run(
        [sys.executable, "bench/s1.py", str(seconds)], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    if out.returncode:
        return {"failed": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def s1_lines(s1: dict | None) -> list[str]:
    if s1 is None:
        return ["", "S1 skipped: needs PostgreSQL's initdb, Redis on 6379 and nginx."]
    if "failed" in s1:
        return ["", f"S1 failed:\n\n```\n{s1['failed']}\n```"]
    kinds = ", ".join(f"{kind} {v['requests']:,} (p95 {v['p95_ms']} ms)" for kind, v in s1["kinds"].items())
    return [
        "",
        "| id | what | requests | req/s | p50 ms | p95 ms | p99 ms | errors | goal |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
        f"| S1 | {s1['seconds']:.0f} s mixed traffic, {s1['connections']} connections: {s1['stack']}; {kinds} | "
        f"{s1['requests']:,} | {s1['rps']:,.1f} | {s1['p50_ms']} | {s1['p95_ms']} | {s1['p99_ms']} | "
        f"{s1['errors']} | 0 errors |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--only-s1", action="store_true", help="run S1 alone (writes only its table)")
    args = parser.parse_args()
    if args.only_s1:
        title = f"# make bench, S1 only ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
        text = "\n".join([title, *s1_lines(run_s1())]) + "\n"
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "latest.md").write_text(text)
        print(text)
        return
    load = load_wrk if shutil.which("wrk") else load_python
    tool = "wrk -t1 -c16" if load is load_wrk else "python client, 16 threads (install wrk for the reference figure)"

    with tempfile.TemporaryDirectory(prefix="preceptor-bench-") as tmp:
        b2_env, b2 = prepare_b2(Path(tmp))
        b2_headers = {**HEADERS, "Cookie": b2["cookie"]}
        course_path, lesson_path, catalogue_path, home_path = b2["paths"]
        cases = {
            "B0": ({**b2_env, "DJANGO_SETTINGS_MODULE": "bench.settings_b0"}, "/ok", HEADERS),
            "B1": ({**b2_env, "DJANGO_SETTINGS_MODULE": "bench.settings_b1"}, "/ok", HEADERS),
            "B1 Django": ({**b2_env, "DJANGO_SETTINGS_MODULE": "bench.settings_b1_django"}, "/ok", HEADERS),
            "B2 course": (b2_env, course_path, b2_headers),
            "B2 lesson": (b2_env, lesson_path, b2_headers),
            "B2 catalogue": (b2_env, catalogue_path, b2_headers),
            "B2 home": (b2_env, home_path, b2_headers),
            "B3 lesson, no log": ({**b2_env, "REQUEST_LOG_ENABLED": "0"}, lesson_path, b2_headers),
        }
        l1 = json.loads(
            subprocess.run(
                [sys.executable, "bench/l1.py"], cwd=ROOT, env=b2_env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        cme_env = {**b2_env, "SQLITE_PATH": str(Path(tmp) / "cme.sqlite3")}
        cme = subprocess.run(
            [sys.executable, "bench/cme.py", "all"], cwd=ROOT, env=cme_env, check=True, capture_output=True, text=True
        )
        c1, p1_small, p1_large = json.loads(cme.stdout.strip().splitlines()[-1])[1:]
        newsletter_env = {**b2_env, "SQLITE_PATH": str(Path(tmp) / "newsletter.sqlite3"), "EMAIL_URL": "locmem:"}
        n1 = json.loads(
            subprocess.run(
                [sys.executable, "bench/newsletter.py", "2000"],
                cwd=ROOT,
                env=newsletter_env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        d1_env = {**b2_env, "SQLITE_PATH": str(Path(tmp) / "d1.sqlite3")}
        d1 = json.loads(
            subprocess.run(
                [sys.executable, "bench/d1.py"], cwd=ROOT, env=d1_env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        w1 = {"SQLite": run_w1(b2_env)}
        if os.environ.get("BENCH_POSTGRES_URL"):
            w1["PostgreSQL"] = run_w1({**b2_env, "DATABASE_URL": os.environ["BENCH_POSTGRES_URL"]}, migrate=True)
        figures: dict[str, list[dict]] = {name: [] for name in cases}
        servers = {}
        try:
            for name, (env, path, headers) in cases.items():
                port = free_port()
                servers[name] = (port, start_server(env, port, path, headers))
            for _ in range(args.rounds):
                for name, (_env, path, headers) in cases.items():
                    port = servers[name][0]
                    load(port, path, headers, 1)  # warm-up
                    figures[name].append(load(port, path, headers, args.seconds))
        finally:
            for _port, process in servers.values():
                stop_server(process)

    def median(name: str, key: str) -> float:
        return statistics.median(f[key] for f in figures[name])

    b0 = median("B0", "rps")
    b3_cost = 1 - median("B2 lesson", "rps") / median("B3 lesson, no log", "rps")
    goals = {
        "B3 lesson, no log": f"B3: request log costs {b3_cost:.1%} (goal ≤ 5%)",
        "B0": "denominator",
        "B1": "≥ 70% of B0",
        "B1 Django": "reference for B1, no goal",
        "B2 course": "≥ 15% of B0; p95 ≤ 50 ms; ≤ 8 queries; 0 errors",
        "B2 lesson": "≥ 15% of B0; p95 ≤ 50 ms; ≤ 8 queries; 0 errors",
        "B2 catalogue": "≥ 15% of B0; p95 ≤ 50 ms; ≤ 8 queries; 0 errors",
        "B2 home": "≥ 15% of B0; p95 ≤ 50 ms; ≤ 8 queries; 0 errors",
    }
    what = {
        "B3 lesson, no log": "lesson page with the request log switched off",
        "B0": "bare view, no middleware (baseline)",
        "B1": "full middleware stack, same view",
        "B1 Django": "Django's own default middleware (startproject's seven), none of Preceptor's, same view",
        "B2 course": f"course page, Pro member ({course_path})",
        "B2 lesson": f"lesson page, Pro member ({lesson_path})",
        "B2 catalogue": f"catalogue, Pro member ({catalogue_path})",
        "B2 home": f"home dashboard, Pro member ({home_path})",
    }
    queries = {
        name: b2["queries"][path]
        for name, path in (
            ("B2 course", course_path),
            ("B2 lesson", lesson_path),
            ("B2 catalogue", catalogue_path),
            ("B2 home", home_path),
        )
    }
    lines = [
        f"# Benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"gunicorn, 2 sync workers; load: {tool}; {args.rounds} alternating rounds of {args.seconds} s; median.",
        f"B2 data: {b2['courses']} courses, {b2['lessons']} lessons, {b2['members']} members (SQLite, WAL).",
        "",
        "| id | what | req/s | ratio to B0 | p95 ms | SQL queries | errors | goal |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in cases:
        rps = median(name, "rps")
        errors = sum(f["errors"] for f in figures[name])
        lines.append(
            f"| {name} | {what[name]} | {rps:,.0f} | {rps / b0:.0%} | {median(name, 'p95_ms'):.1f} | "
            f"{queries.get(name, '—')} | {errors} | {goals[name]} |"
        )
    lines += [
        "",
        "| id | database | events/s | goal | exact end state | errors | Stripe fake: re-reads answered (their rate) "
        "| fake alone, 8 readers | senders' processor s |",
        "|---|---|---:|---|---|---:|---|---:|---:|",
    ]
    for database, result in w1.items():
        goal = "≥ 200/s" if database == "PostgreSQL" else "≥ 100/s"
        fake = (
            f"{result['fake_reads']:,} ({result['fake_reads_per_s']:,.0f}/s, {result['fake_misses']} misses)"
            if result.get("fake_reads") is not None
            else "— (localstripe)"
        )
        capacity = f"{result['fake_capacity_per_s']:,.0f}/s" if result.get("fake_capacity_per_s") else "—"
        lines.append(
            f"| W1 | {database} | {result['events_per_s']:,.0f} | {goal} | {result['exact']} | {result['errors']} | "
            f"{fake} | {capacity} | {result.get('senders_cpu_s', '—')} |"
        )
    lines += [
        "",
        "| id | log, mode | lines | logstats s | lines/s | peak MB | GoAccess s | GoAccess MB | speed ratio | "
        "same totals |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in l1.get("cases", [l1]):
        mode = "--ignore-crawlers" if row.get("ignore_crawlers", True) else "default"
        lines.append(
            f"| L1 | {row.get('log', 'site')}, {mode} | {row['lines']:,} | {row['logstats_s']:.1f} | "
            f"{row['logstats_lines_per_s']:,.0f} | {row['logstats_mb']} (goal ≤ 300) | "
            f"{row.get('goaccess_s', float('nan')):.1f} | {row.get('goaccess_mb', '—')} | "
            f"{row.get('speed_ratio', float('nan')):.2f}× (goal ≥ 3×) | {row.get('same_totals', '—')} |"
        )
    lines += [
        "",
        "| id | what | figure | baseline in the same run | goal |",
        "|---|---|---:|---|---|",
        f"| C1 | certificate PDFs, in process, one core ({c1['certificates']}, {c1['avg_kb']} KB each) | "
        f"{c1['per_s']:,.0f}/s ({c1['ms_each']} ms each) | one-line ReportLab page: {c1['baseline_per_s']:,.0f}/s "
        f"(ratio {c1['ratio_to_baseline']:.3f}) | ≥ 50/s per core |",
        f"| P1 | PARS export, {p1_large['records']:,} completions (JSON, recorded, disclosures written) | "
        f"{p1_large['seconds']:.1f} s, peak {p1_large['peak_mb']:.0f} MB | {p1_small['records']:,} completions: "
        f"{p1_small['seconds']:.1f} s, peak {p1_small['peak_mb']:.0f} MB | < 10 s, memory flat |",
        f"| D1 | data-export ZIP of a heavy member ({', '.join(f'{v:,} {k}' for k, v in d1['rows'].items())}; "
        f"{d1['zip_kb']:,} KB) | {d1['seconds']:.2f} s, peak {d1['peak_mb']} MB | a member without learning "
        f"records: {d1['baseline_seconds']:.3f} s (ratio {d1['ratio_to_baseline']:.0f}) | < 2 s |",
        f"| N1 | newsletter to {n1['recipients']:,} members in {n1['batches']} batches ({n1['sent']:,} sent; "
        f"unsubscribed and suppressed skipped; locmem backend) | {n1['per_s']:,.0f} e-mails/s | the same message "
        f"rendered and sent without database work: {n1['baseline_per_s']:,.0f}/s (ratio "
        f"{n1['ratio_to_baseline']:.2f}) | — |",
    ]
    lines += s1_lines(run_s1())
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
