"""The repository stands on its own: no file points outside it, and every requirement the code cites by
number is written down in docs/requirements.md (CME requirements under "### CME-NN" headings)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCOPE = ("preceptor", "bench", "scripts", "docs", "README.md", "Makefile")
REQUIREMENTS = "docs/requirements.md"

# Built from pieces so that this file does not match itself.
SHARED_FOLDER = "../" + "shared"
MACHINE_PATH = re.compile(r"(?<![\w.~/-])/" + "work" + r"(?![\w-])")

NUMBERS = r"\d+(?:\s*[–-]\s*\d+)?(?:\s*(?:,|,?\s*and)\s*\d+(?:\s*[–-]\s*\d+)?)*"
CITATION = re.compile(
    r"\b(?:(?P<kind>payments?|privacy)\s+)?(?:requirements?|req\.)\s+(?P<numbers>" + NUMBERS + r")\b",
    re.IGNORECASE,
)
TEST_NAME = re.compile(r"\btest_req(\d+)")
LINK = re.compile(r"requirements\.md#(cme|payments|privacy)-(\d+)\b", re.IGNORECASE)


def repository_files() -> dict[str, str]:
    """Text files in scope that git tracks, or would track (new files not yet added), by path from the root."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *SCOPE],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    files = {}
    for path in sorted(set(filter(None, listing.split("\0")))):
        file = ROOT / path
        if not file.is_file():  # deleted in the working tree
            continue
        data = file.read_bytes()
        if b"\0" in data:
            continue
        try:
            files[path] = data.decode()
        except UnicodeDecodeError:
            continue
    return files


def findings(pattern: re.Pattern[str] | str) -> list[str]:
    found = []
    for path, text in repository_files().items():
        for number, line in enumerate(text.splitlines(), 1):
            hit = pattern in line if isinstance(pattern, str) else pattern.search(line)
            if hit:
                found.append(f"{path}:{number}: {line.strip()[:140]}")
    return found


def expand(numbers: str) -> list[int]:
    """ "3–11, 16 and 18" → [3, …, 11, 16, 18]."""
    cited: list[int] = []
    for part in re.split(r"\s*(?:,|,?\s*and)\s*", numbers.strip()):
        low, _, high = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        cited.extend(range(int(low), int(high or low) + 1))
    return cited


def headings() -> dict[str, set[int]]:
    text = (ROOT / REQUIREMENTS).read_text()
    found: dict[str, set[int]] = {"cme": set(), "payments": set(), "privacy": set()}
    for kind, number in re.findall(r"^### (CME|PAYMENTS|PRIVACY)-(\d+)\b", text, re.MULTILINE):
        found[kind.lower()].add(int(number))
    return found


def citations() -> list[tuple[str, int, str, str]]:
    """(kind, number) cited by test names, "requirement(s) NN" / "req. NN" text and links to the document."""
    cited = []
    for path, text in repository_files().items():
        if path == REQUIREMENTS:
            continue
        for line_number, line in enumerate(text.splitlines(), 1):
            where = f"{path}:{line_number}"
            if path.endswith(".py"):
                cited += [("cme", int(n), where, line.strip()) for n in TEST_NAME.findall(line)]
            for match in CITATION.finditer(line):
                kind = (match["kind"] or "cme").lower()
                kind = "payments" if kind.startswith("payment") else kind
                cited += [(kind, n, where, line.strip()) for n in expand(match["numbers"])]
            cited += [(kind.lower(), int(n), where, line.strip()) for kind, n in LINK.findall(line)]
    return cited


def test_the_listing_covers_the_code_the_benchmarks_and_the_documents():
    files = repository_files()
    assert "preceptor/core/tests/test_repository_references.py" in files
    assert REQUIREMENTS in files
    assert any(path.startswith("bench/") for path in files)
    assert "README.md" in files


def test_no_file_points_to_the_shared_folder_beside_the_repository():
    found = findings(SHARED_FOLDER)
    assert not found, "Point to docs/ instead of outside the repository:\n" + "\n".join(found)


def test_no_file_names_an_absolute_path_on_the_development_machine():
    found = findings(MACHINE_PATH)
    assert not found, "Use a path relative to the repository:\n" + "\n".join(found)


def test_every_cited_requirement_has_a_heading_in_the_requirements_document():
    known = headings()
    cited = citations()
    assert any(kind == "cme" for kind, *_ in cited)
    missing = [f"{where}: {kind.upper()}-{n}: {line[:120]}" for kind, n, where, line in cited if n not in known[kind]]
    assert not missing, f"Cited but not written down in {REQUIREMENTS}:\n" + "\n".join(missing)


def test_the_cme_requirements_are_numbered_1_to_36_each_with_its_anchor():
    text = (ROOT / REQUIREMENTS).read_text()
    assert headings()["cme"] == set(range(1, 37))
    for number in range(1, 37):
        assert f'<a id="cme-{number}"></a>\n### CME-{number}\n' in text


def test_every_cme_requirement_names_a_test_that_exists():
    text = (ROOT / REQUIREMENTS).read_text()
    defined = set()
    for path, source in repository_files().items():
        if path.endswith(".py"):
            defined |= set(re.findall(r"^\s*(?:async\s+)?def (test_\w+)", source, re.MULTILINE))
    for section in re.split(r"^(?=### CME-)", text, flags=re.MULTILINE)[1:]:
        number = re.match(r"### CME-(\d+)", section)[1]
        shown_by = re.search(r"^Shown by: (.+)$", section, re.MULTILINE)
        assert shown_by, f"CME-{number} names no test"
        named = re.findall(r"`(test_\w+)`", shown_by[1])
        assert named and set(named) <= defined, f"CME-{number}: {set(named) - defined or 'no test named'}"
