"""The demo seeds the magazine: six published articles with covers and a figure, listed by the Atom feed and the
sitemap (parsed as a feed reader and a crawler would), each page opening without an error."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.management import call_command

from preceptor.magazine.demo_content import ARTICLES
from preceptor.magazine.models import Article, ArticleImage, Comment

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent: nothing twice


def test_the_demo_seeds_published_articles_with_covers_a_figure_and_a_discussion(seeded, client):
    articles = Article.objects.published()
    assert articles.count() == len(ARTICLES) >= 5
    for article in articles:
        assert article.cover and article.cover_alt and article.author and article.specialties.exists()
        assert article.related_courses.exists() and article.reading_minutes >= 1
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200
        assert client.get(article.cover.url).status_code == 200
    figure = ArticleImage.objects.get()
    assert (
        figure.image.url in figure.article.body
        and figure.alt_text in client.get(figure.article.get_absolute_url()).content.decode()
    )
    assert Comment.objects.filter(status="approved", parent__isnull=False).exists()


def test_the_feed_and_the_sitemap_list_every_demo_article(seeded, client):
    feed = feedparser.parse(client.get("/magazine/feed/").content)
    assert not feed.bozo
    wanted = {f"http://testserver/magazine/{spec['slug']}/" for spec in ARTICLES}
    assert {entry.link for entry in feed.entries} == wanted
    assert all(entry.title and entry.summary and entry.published for entry in feed.entries)
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own sitemap, parsed as a crawler would
    locations = {loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)}
    assert wanted <= locations
    assert "http://testserver/courses/ecg-essentials/" in locations
    assert "http://testserver/u/maria-lindqvist/" in locations  # the demo teacher's public page
    assert "http://testserver/u/preceptor-staff/" not in locations  # a hidden profile
