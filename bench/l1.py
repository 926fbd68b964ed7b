"""L1: logstats vs GoAccess 1.7 on a generated 1,000,000-line Combined Log Format file: wall time, lines/s,
peak memory, and whether the totals agree. Prints one JSON line."""

from __future__ import annotations

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


def main() -> None:
    from preceptor.analytics.fixtures import lines

    count = int(os.environ.get("L1_LINES", "1000000"))
    with tempfile.TemporaryDirectory(prefix="preceptor-l1-") as tmp:
        log = Path(tmp) / "access.log"
        with log.open("w") as handle:
            for line in lines(count, seed=11):
                handle.write(line + "\n")
        ours_out, theirs_out = Path(tmp) / "ours.json", Path(tmp) / "theirs.json"
        ours_s, ours_mb = timed([sys.executable, "manage.py", "logstats", str(log), "--format", "json"], ours_out)
        result = {"lines": count, "logstats_s": ours_s, "logstats_mb": ours_mb, "logstats_lines_per_s": count / ours_s}
        if shutil.which("goaccess"):
            theirs_s, theirs_mb = timed(
                ["goaccess", str(log), "--log-format=COMBINED", "--ignore-crawlers", "--no-progress", "-o", "json"],
                theirs_out,
            )
            ours, theirs = json.loads(ours_out.read_text()), json.loads(theirs_out.read_text())
            same = (
                ours["general"]["valid_requests"] == theirs["general"]["valid_requests"]
                and ours["general"]["unique_visitors"] == theirs["general"]["unique_visitors"]
                and [(d["data"], d["visitors"]["count"]) for d in ours["visitors"]["data"]]
                == [(d["data"], d["visitors"]["count"]) for d in theirs["visitors"]["data"]]
            )
            result |= {
                "goaccess_s": theirs_s,
                "goaccess_mb": theirs_mb,
                "speed_ratio": theirs_s / ours_s,
                "same_totals": same,
            }
        print(json.dumps(result))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")
    main()
