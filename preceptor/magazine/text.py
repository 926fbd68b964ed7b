"""Article text and comments: Markdown rendered to HTML and cleaned by an allow-list sanitiser (nh3).

Articles (written by staff and teachers) may use headings, images with their description, tables and code
blocks; an image must be one of ours (a path on this site), so no page loads anything from another host.
Comments use the small subset of ``core.text`` (no images, no headings); their links get ``rel="nofollow ugc"``.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from preceptor.core.text import render_markdown

_article = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ARTICLE_TAGS = {
    "p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_HEADING = re.compile(r"<(/?)h1>")


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Keep an image's address only when it is a path on this site (``/media/…``); drop any other host's."""
    if tag == "img" and attribute == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


def render_article(text: str) -> SafeString:
    """An article's Markdown as sanitised HTML. A level-1 heading becomes level 2 (the title is the page's h1)."""
    html = _HEADING.sub(r"<\1h2>", _article.render(text or ""))
    clean = nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_local_images_only,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 on the line above


def render_comment(text: str) -> SafeString:
    """A comment: the members' Markdown subset (``core.text``), links marked nofollow and ugc."""
    return render_markdown(text)


_LINK = re.compile(r"https?://|www\.|\]\(", re.IGNORECASE)


def links_in(text: str) -> int:
    """How many links a comment holds (bare addresses and Markdown links): a spam signal."""
    return len(_LINK.findall(text or ""))


def fingerprint(text: str) -> str:
    """A comment's text reduced to its words, lower-case: the same text posted twice matches however spaced."""
    return " ".join(re.findall(r"\w+", (text or "").lower()))
