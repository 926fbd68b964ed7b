from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

POLICY_FILE = Path(__file__).parent / "policies" / "privacy-policy.txt"
POLICY_LAST_MODIFIED = "2017-06-20"


@cache
def policy_blocks() -> list[tuple[str, object]]:
    """The policy text as (kind, content) blocks: headings, paragraphs and bullet lists."""
    text = POLICY_FILE.read_text(encoding="utf-8").replace("{support_email}", settings.SUPPORT_EMAIL)
    blocks: list[tuple[str, object]] = []
    for chunk in (c.strip() for c in text.split("\n\n")):
        if not chunk:
            continue
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if all(line.startswith("•") for line in lines):
            blocks.append(("list", [line.lstrip("• ").strip() for line in lines]))
        elif len(lines) == 1 and len(chunk) < 60 and not chunk.endswith((".", ":")):
            blocks.append(("heading", chunk))
        else:
            blocks.append(("paragraph", " ".join(lines)))
    return blocks


@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    blocks = policy_blocks()
    return render(
        request,
        "privacy/policy.html",
        {"title": blocks[0][1], "blocks": blocks[1:], "last_modified": POLICY_LAST_MODIFIED},
    )


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "language_cookie": settings.LANGUAGE_COOKIE_NAME,
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
        },
    )
