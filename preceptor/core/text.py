"""User-written text: a small Markdown subset rendered to sanitised HTML."""

from __future__ import annotations

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
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 on the line above
