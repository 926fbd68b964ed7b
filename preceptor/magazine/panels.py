"""The magazine's part in other apps' pages: articles that match a course search."""

from __future__ import annotations

from preceptor.core.hooks import Panel
from preceptor.magazine.selectors import article_list

SEARCH_RESULTS = 3


def articles_search_panel(query: str, specialty: str) -> Panel | None:
    """On /courses/?q=…: the articles that match the same search (the three best, and a link to all)."""
    if not query.strip():
        return None
    articles = list(article_list(query=query, specialty=specialty)[: SEARCH_RESULTS + 1])
    if not articles:
        return None
    return Panel(
        "magazine/_search_panel.html",
        {"articles": articles[:SEARCH_RESULTS], "more": len(articles) > SEARCH_RESULTS, "search_query": query},
    )
