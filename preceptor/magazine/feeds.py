"""The magazine's Atom feed at /magazine/feed/: the latest published articles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from preceptor.magazine.models import Article
from preceptor.magazine.selectors import article_list

FEED_SIZE = 20


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = _("Preceptor Magazine")
    subtitle = _("Clinical articles for healthcare providers, from the Preceptor faculty.")

    def link(self) -> str:
        return reverse("magazine:list")

    def items(self) -> list[Article]:
        return list(article_list()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author.full_name if item.author else ""

    def item_categories(self, item: Article) -> list[str]:
        return [specialty.label for specialty in item.specialties.all()]
