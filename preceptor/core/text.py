"""User-written text: a small Markdown subset rendered to sanitised HTML."""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "link", "list", "blockquote", "backticks", "newline", "escape", "autolink"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code"}


def render_markdown(text: str) -> SafeString:
    """Paragraphs, emphasis, links, lists, quotes and inline code. Raw HTML is shown as text, then the
    result is cleaned again by an allow-list sanitiser (ammonia) as a second line of defence."""
    text = text or ""
    html = _rendered(text) if len(text) <= REMEMBERED_LENGTH else _render(text)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 in _render


# The same text always gives the same HTML, and course pages show the same descriptions on every view (0.5 ms
# each): the HTML of the last 256 texts of up to REMEMBERED_LENGTH characters is kept, per process. An entry holds
# the text and its HTML: at most about 100 KB (a text of escaped characters), so at most about 25 MB a process.
REMEMBERED_LENGTH = 4_000


def _render(text: str) -> str:
    return nh3.clean(
        _markdown.render(text),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )


_rendered = lru_cache(maxsize=256)(_render)
