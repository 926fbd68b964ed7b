"""The magazine's public pages: the list (search, specialty filter, pagination), an article (drafts, scheduled
publishing and preview), the Atom feed, the sitemap, meta tags, and the course search listing articles."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from preceptor.magazine.models import Article
from preceptor.magazine.tests.conftest import make_article
from preceptor.magazine.text import render_article

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_the_list_shows_published_articles_newest_first_and_never_drafts_or_scheduled_ones(client):
    make_article("older", days=-5)
    make_article("newer", days=-1)
    make_article("draft", status="draft")
    make_article("tomorrow", days=1)
    response = client.get("/magazine/")
    assert response.status_code == 200
    assert [a.slug for a in response.context["page"].object_list] == ["newer", "older"]


def test_the_list_is_paged_by_nine_and_keeps_the_filters_in_its_page_links(client, django_assert_max_num_queries):
    for n in range(11):
        make_article(f"a-{n:02d}", days=-1 - n, lead="About sepsis")
    with django_assert_max_num_queries(8):
        first = client.get("/magazine/?q=sepsis")
    assert len(first.context["page"].object_list) == 9
    assert 'href="?q=sepsis&amp;page=2"' in first.content.decode()
    second = client.get("/magazine/?q=sepsis&page=2")
    assert [a.slug for a in second.context["page"].object_list] == ["a-09", "a-10"]
    assert client.get("/magazine/?page=999").status_code == 200  # the last page, not an error


def test_search_and_specialty_filter(client, article):
    make_article("troponin", title="Reading a troponin", lead="Rise and fall.", body="The 99th percentile.")
    assert [a.slug for a in client.get("/magazine/?q=percentile").context["page"]] == ["troponin"]
    assert [a.slug for a in client.get("/magazine/?specialty=emergency-medicine").context["page"]] == [article.slug]
    assert client.get("/magazine/?specialty=no-such").status_code == 200  # an unknown choice: the form says so


def test_the_course_search_lists_matching_articles_too(client, course, article):
    response = client.get("/courses/?q=sepsis")
    assert response.status_code == 200
    html = response.content.decode()
    assert "From the magazine" in html and article.get_absolute_url() in html
    assert "From the magazine" not in client.get("/courses/?q=zzzz-nothing").content.decode()
    assert "From the magazine" not in client.get("/courses/").content.decode()


def test_an_article_page_shows_text_author_dates_reading_time_and_related_courses(client, article, course, teacher):
    article.related_courses.add(course)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Bundle</h2>" in html and "<strong>antibiotics</strong>" in html
    assert "Prof. Tina Teacher" in html and f'href="/u/{teacher.profile.handle}/"' in html  # a visible profile
    assert "1 min read" in html
    assert course.get_absolute_url() in html and "Related courses" in html


def test_an_author_with_a_hidden_profile_is_named_without_a_link(client, article, teacher):
    teacher.profile.is_hidden = True
    teacher.profile.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Prof. Tina Teacher" in html and f"/u/{teacher.profile.handle}/" not in html


def test_the_page_carries_open_graph_and_twitter_tags_and_no_third_party_address(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Sepsis in the first hour">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="http://testserver{article.get_absolute_url()}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    for tag in ('<script src="http', '<link rel="stylesheet" href="http', '<img src="http'):
        assert tag not in html


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_a_draft_or_scheduled_article_is_a_404_for_everyone_but_editors_who_preview_it(
    client, state, learner, staff_without_permissions, moderator, editor
):
    article = make_article("coming", status="draft") if state == "draft" else make_article("coming", days=2)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    for user in (learner, staff_without_permissions, moderator):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview:" in response.content.decode() and response["Cache-Control"] == "private, no-store"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(client, time_machine):
    article = make_article("soon", days=1)
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "soon" in [a.slug for a in client.get("/magazine/").context["page"]]


def test_the_atom_feed_parses_and_lists_only_published_articles(client, article):
    make_article("draft", status="draft")
    response = client.get("/magazine/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert [entry.link for entry in feed.entries] == [f"http://testserver{article.get_absolute_url()}"]
    assert feed.entries[0].author == "Prof. Tina Teacher"


def test_the_sitemap_lists_public_pages_and_leaves_out_drafts_and_hidden_profiles(client, article, course, pro_member):
    make_article("draft", status="draft")
    pro_member.profile.bio, pro_member.profile.bio_visibility = "ECG fan", "public"
    pro_member.profile.save()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)}  # noqa: S314 - our own sitemap
    assert {
        "http://testserver/",
        "http://testserver/magazine/",
        f"http://testserver{article.get_absolute_url()}",
        f"http://testserver{course.get_absolute_url()}",
        f"http://testserver/u/{pro_member.profile.handle}/",
    } <= locations
    assert "http://testserver/magazine/draft/" not in locations
    pro_member.profile.is_hidden = True
    pro_member.profile.save()
    assert f"/u/{pro_member.profile.handle}/" not in client.get("/sitemap.xml").content.decode()


def test_article_markdown_keeps_images_with_their_description_but_drops_other_hosts_and_scripts():
    html = render_article(
        "# Title\n\n![An ECG](/media/magazine/images/a.png) ![x](https://tracker.example/p.gif)\n\n"
        "<script>alert(1)</script> [bad](javascript:alert(1))"
    )
    assert '<img src="/media/magazine/images/a.png" alt="An ECG">' in html
    assert "tracker.example" not in html and "<script" not in html and 'href="javascript' not in html
    assert "<h2>Title</h2>" in html and "<h1>" not in html


def test_an_article_image_is_public_media(client, article, settings, tmp_path):
    from django.core.files.base import ContentFile

    from preceptor.magazine.models import ArticleImage

    image = ArticleImage(article=article, alt_text="A chart")
    image.image.save("chart.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=True)
    assert image.markdown == f"![A chart]({image.image.url})"
    assert client.get(image.image.url).status_code == 200


def test_the_admin_publishes_now_when_no_time_is_given_and_refuses_images_without_a_description(client, editor):
    client.force_login(editor)
    data = {
        "title": "New article",
        "slug": "new-article",
        "lead": "Lead.",
        "body": "Text ![](/media/magazine/images/x.png)",
        "author": editor.pk,
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "comments_open": "on",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/magazine/article/add/", data)
    assert response.status_code == 200 and "Every image needs a description" in response.content.decode()
    data["body"] = "Text ![A chart](/media/magazine/images/x.png)"
    response = client.post("/admin/magazine/article/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="new-article")
    assert article.is_visible() and article.published_at <= timezone.now()
