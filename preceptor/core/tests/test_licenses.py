"""Preceptor is AGPL-3.0-or-later, and docs/licenses.md lists the licence of every locked package."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _locked_names() -> list[str]:
    names = []
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
    return names


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_locked_package_is_in_the_licence_list_and_license_is_the_agpl():
    listed = {
        _normal(cells[1].strip())
        for row in (ROOT / "docs" / "licenses.md").read_text().splitlines()
        if row.startswith("|") and len(cells := row.split("|")) > 2
    }
    locked = _locked_names()
    assert len(locked) > 50
    missing = [name for name in locked if _normal(name) not in listed]
    assert missing == [], f"add these to docs/licenses.md (scripts/licenses.py prints the rows): {missing}"

    lines = (ROOT / "LICENSE").read_text().splitlines()
    assert lines[0].strip() == "GNU AFFERO GENERAL PUBLIC LICENSE"
    assert lines[1].strip() == "Version 3, 19 November 2007"
