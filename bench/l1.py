"""L1: logstats vs GoAccess 1.7 on two generated 1,000,000-line Combined Log Format files — the site's own
generator ("site") and one where scripted clients and crawlers make most of the traffic ("scripted") — each
without and with --ignore-crawlers: wall time, lines/s, peak memory, and whether valid requests, unique
visitors and the daily hits and visitors agree. Prints one JSON line: the first case's figures at the top
level (as before), every case under "cases".

    python bench/l1.py [--lines N] [--only site|scripted]"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(command: list[str], out: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (MB) of one child process."""
    started = time.perf_counter()
    with out.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.DEVNULL, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"{command[0]} failed")
    return time.perf_counter() - started, usage.ru_maxrss // 1024


def agree(ours: dict, theirs: dict) -> bool:
    def days(data: dict) -> list[tuple[str, int, int]]:
        return [(d["data"], d["hits"]["count"], d["visitors"]["count"]) for d in data["visitors"]["data"]]

    fields = ("total_requests", "valid_requests", "failed_requests", "unique_visitors")
    return all(ours["general"][f] == theirs["general"][f] for f in fields) and days(ours) == days(theirs)


def case(log: Path, tmp: Path, name: str, count: int, ignore: bool) -> dict:
    flag = ["--ignore-crawlers"] if ignore else []
    ours_out, theirs_out = tmp / "ours.json", tmp / "theirs.json"
    command = [sys.executable, "manage.py", "logstats", str(log), "--format", "json", *flag]
    ours_s, ours_mb = timed(command, ours_out)
    result: dict = {
        "log": name,
        "ignore_crawlers": ignore,
        "lines": count,
        "logstats_s": ours_s,
        "logstats_mb": ours_mb,
        "logstats_lines_per_s": count / ours_s,
    }
    if shutil.which("goaccess"):
        theirs_s, theirs_mb = timed(
            ["goaccess", str(log), "--log-format=COMBINED", "--no-progress", "-o", "json", *flag], theirs_out
        )
        ours = json.loads(ours_out.read_text())
        theirs = json.loads(theirs_out.read_bytes().decode("utf-8", "replace"))
        result |= {
            "goaccess_s": theirs_s,
            "goaccess_mb": theirs_mb,
            "speed_ratio": theirs_s / ours_s,
            "same_totals": agree(ours, theirs),
        }
    return result


def main() -> None:
    from preceptor.analytics.fixtures import lines, scripted_lines

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=int(os.environ.get("L1_LINES", "1000000")))
    parser.add_argument("--only", choices=["site", "scripted"])
    args = parser.parse_args()
    logs = {"site": lines, "scripted": scripted_lines}
    cases = []
    with tempfile.TemporaryDirectory(prefix="preceptor-l1-") as tmp:
        for name, generate in logs.items():
            if args.only and name != args.only:
                continue
            log = Path(tmp) / f"{name}.log"
            with log.open("w", encoding="latin-1") as handle:  # one user agent carries a non-UTF-8 byte
                for line in generate(args.lines, seed=11):
                    handle.write(line + "\n")
            for ignore in (True, False):
                cases.append(case(log, Path(tmp), name, args.lines, ignore))
            log.unlink()
    print(json.dumps({**cases[0], "cases": cases}))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")
    main()
