"""Load the demo articles of ``demo_content`` (used by ``seed_demo``; idempotent): covers, the inline figure,
related courses, and a short approved discussion under two articles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from preceptor.catalog.models import Course, Specialty
from preceptor.magazine.demo_content import ARTICLES, COMMENTS, DEMO_NOTE
from preceptor.magazine.models import Article, ArticleImage, Comment

MEDIA = Path(__file__).resolve().parent / "demo_media"


@transaction.atomic
def demo_articles_create(*, authors: dict[str, Any]) -> list[Article]:
    """``authors`` maps the content's author keys ("teacher", "staff", "pro" for comments) to accounts."""
    now = timezone.now()
    created = []
    for spec in ARTICLES:
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        published = (now - timedelta(days=spec["days_ago"])).replace(hour=7, minute=30, second=0, microsecond=0)
        article = Article(
            slug=spec["slug"],
            title=spec["title"],
            lead=spec["lead"],
            body="",
            author=authors[spec["author"]],
            status=Article.Status.PUBLISHED,
            published_at=published,
            cover_alt=spec["cover_alt"],
        )
        with (MEDIA / f"{spec['slug']}.jpg").open("rb") as cover:
            article.cover.save(f"{spec['slug']}.jpg", File(cover), save=False)
        article.save()
        figure = ""
        if spec.get("figure"):
            name, alt = spec["figure"]
            image = ArticleImage(article=article, alt_text=alt)
            with (MEDIA / name).open("rb") as handle:
                image.image.save(name, File(handle), save=False)
            image.save()
            figure = image.markdown
        article.body = spec["body"].replace("{figure}", figure).strip() + DEMO_NOTE
        article.save(update_fields=["body"])
        Article.objects.filter(pk=article.pk).update(updated_at=published)  # unchanged since it was published
        for name in spec["specialties"]:
            specialty, _ = Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})
            article.specialties.add(specialty)
        article.related_courses.add(*Course.objects.filter(slug__in=spec["courses"]))
        created.append(article)
    if created:
        _demo_comments_create(authors=authors, articles={a.slug: a for a in created})
    return created


def _demo_comments_create(*, authors: dict[str, Any], articles: dict[str, Article]) -> None:
    for spec in COMMENTS:
        article = articles.get(spec["article"])
        if article is None or article.published_at is None:
            continue
        written = article.published_at + timedelta(days=1, hours=3)
        comment = Comment.objects.create(
            article=article,
            user=authors[spec["author"]],
            body=spec["body"],
            status=Comment.Status.APPROVED,
            created_at=written,
        )
        for n, reply in enumerate(spec["replies"], 1):
            Comment.objects.create(
                article=article,
                user=authors[reply["author"]],
                parent=comment,
                body=reply["body"],
                status=Comment.Status.APPROVED,
                created_at=written + timedelta(hours=2 * n),
            )
