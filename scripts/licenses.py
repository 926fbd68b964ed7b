"""Print the Python dependency licence table of docs/licenses.md from the metadata installed in this environment.

Usage: .venv/bin/python scripts/licenses.py > /tmp/table.md   (then paste it over the first table)

Every package pinned in requirements.lock gets one row: its installed version, its licence (License-Expression,
else the License field when it is a short name, else the License classifiers; where those are vague, the
licence read from the package's LICENSE file, kept in LICENCE_READ below), whether it is needed at run time or
only for development, and whether it may be combined with Preceptor distributed under AGPL-3.0-or-later.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

# Metadata that says only "BSD", "Dual License" or nothing: the SPDX identifier read from the LICENSE file.
LICENCE_READ = {
    "amqp": "BSD-3-Clause",
    "billiard": "BSD-3-Clause",
    "vine": "BSD-3-Clause",
    "click-plugins": "BSD-3-Clause",
    "prompt-toolkit": "BSD-3-Clause",
    "sqlparse": "BSD-3-Clause",
    "pytest-django": "BSD-3-Clause",
    "reportlab": "BSD-3-Clause",
    "qrcode": "BSD-3-Clause",
    "fido2": "BSD-2-Clause AND Apache-2.0 AND MPL-2.0",
    "python-dateutil": "Apache-2.0 AND BSD-3-Clause",
    "aiosignal": "Apache-2.0",
    "antlr4-python3-runtime": "BSD-3-Clause",
    "itsdangerous": "BSD-3-Clause",
    "jinja2": "BSD-3-Clause",
    "mpmath": "BSD-3-Clause",
    "sympy": "BSD-3-Clause",
}

# Short free-text License fields and License classifiers, as SPDX identifiers.
SPDX = {
    "Apache 2.0": "Apache-2.0",
    "Apache Software License": "Apache-2.0",
    "Apache License 2.0": "Apache-2.0",
    "MIT license": "MIT",
    "MIT License": "MIT",
    "New BSD": "BSD-3-Clause",
    "BSD 2-Clause License": "BSD-2-Clause",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "Python Software Foundation License": "PSF-2.0",
}

# Licences that may be combined with, and distributed as part of, an AGPL-3.0-or-later work.
AGPL_COMPATIBLE = {
    "MIT", "MIT-0", "MIT-CMU", "BSD-2-Clause", "BSD-3-Clause", "ISC", "0BSD", "Apache-2.0", "PSF-2.0",
    "MPL-2.0", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
    "AGPL-3.0-only", "AGPL-3.0-or-later",
}  # fmt: skip

# Where the licence of the code is not the whole answer.
VERDICT = {
    "geoip2fast": "code yes; bundled data UNCLEAR",
    "reportlab": "yes (bundled fonts: see note)",
    "regex": "not distributed: development only (CNRI-Python is not GPL-compatible)",
}

# What the licence column alone does not say.
NOTES = {
    "aiohttp": "bundles llhttp (MIT)",
    "argon2-cffi-bindings": "bundles libargon2 (CC0-1.0 OR Apache-2.0)",
    "certifi": "Mozilla CA bundle; MPL-2.0 without the 'Incompatible With Secondary Licenses' notice",
    "cryptography": "wheel bundles OpenSSL 3 (Apache-2.0)",
    "geoip2fast": "code MIT; the bundled *.dat.gz data are MaxMind GeoLite2 (2024-06-18), whose terms are "
    "MaxMind's, not MIT: see the note below the table",
    "localstripe": "fake Stripe server for tests; GPL-3.0 and AGPL-3.0 section 13 allow combining the two",
    "mypy": "bundles typeshed (Apache-2.0 AND MIT)",
    "pathspec": "MPL-2.0 without the 'Incompatible With Secondary Licenses' notice",
    "pillow": "wheel bundles libjpeg, libpng, libtiff, libwebp, libavif, openjpeg, lcms2, zlib, zstd, xz, brotli, "
    "harfbuzz (permissive) and FreeType (FTL OR GPL-2.0-or-later); all listed in its LICENSE",
    "playwright": "bundles a Node.js driver (MIT, with its ThirdPartyNotices)",
    "psycopg": "LGPL-3.0: Preceptor uses it unmodified as a library",
    "psycopg-binary": "LGPL-3.0; wheel bundles libpq (PostgreSQL), OpenSSL 3 (Apache-2.0), MIT Kerberos, "
    "Cyrus SASL (BSD-style), OpenLDAP (OLDAP-2.8)",
    "python-dateutil": "older code BSD-3-Clause, newer contributions dual Apache-2.0/BSD-3-Clause",
    "reportlab": "bundles fonts: Bitstream Vera (Bitstream Vera licence), DarkGarden (GPL-2.0-or-later with "
    "font exception), Type 1 test fonts with Adobe/Monotype notices: see the note below the table",
    "tzdata": "IANA time-zone data (public domain)",
    "moto": "fake AWS (S3) server for tests; pulls in cfn-lint, docker, sympy and others, none installed in production",
}


def locked() -> list[str]:
    names = []
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0])
    return names


def licence_of(dist: metadata.Distribution) -> str:
    name = canonicalize_name(dist.metadata["Name"])
    if name in LICENCE_READ:
        return LICENCE_READ[name]
    if expression := dist.metadata.get("License-Expression"):
        return expression
    text = (dist.metadata.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 40:
        return SPDX.get(text, text)
    classifiers = [
        c.rsplit(" :: ", 1)[1] for c in dist.metadata.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    return " AND ".join(SPDX.get(c, c) for c in classifiers) or "UNKNOWN"


def compatible(expression: str) -> str:
    """'yes' when every AND term (of which at least one OR choice) is a licence in AGPL_COMPATIBLE."""
    ok = all(
        any(choice.strip("() ") in AGPL_COMPATIBLE for choice in term.split(" OR "))
        for term in expression.split(" AND ")
    )
    return "yes" if ok else "UNCLEAR"


def runtime_closure() -> set[str]:
    """The packages installed for `pip install .` (no extras), following each package's own requirements."""
    todo = [(text, "") for text in metadata.distribution("preceptor").requires or []]
    seen: set[tuple[str, str]] = set()
    while todo:
        text, extra = todo.pop()
        req = Requirement(text)
        if req.marker and not req.marker.evaluate({**default_environment(), "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        try:
            requires = metadata.distribution(req.name).requires or []
        except metadata.PackageNotFoundError:
            continue
        for flavour in {"", *req.extras}:
            if (name, flavour) not in seen:
                seen.add((name, flavour))
                todo.extend((sub, flavour) for sub in requires)
    return {name for name, _ in seen}


def main() -> int:
    runtime = runtime_closure()
    print("| package | version | licence | needed for | AGPL-3.0-or-later compatible | notes |")
    print("|---|---|---|---|---|---|")
    missing = []
    for name in sorted(locked(), key=str.lower):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        key = canonicalize_name(name)
        licence = licence_of(dist)
        scope = "run time" if key in runtime else "development"
        verdict = VERDICT.get(key, compatible(licence))
        print(f"| {name} | {dist.version} | {licence} | {scope} | {verdict} | {NOTES.get(key, '')} |")
    if missing:
        print(f"not installed, so not listed: {', '.join(missing)}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
