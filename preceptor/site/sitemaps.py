"""``/sitemap.xml``: every public page a search engine may list (django.contrib.sitemaps).

Courses and classes that are published, magazine articles whose time has come, the public pages of members who
show something to everyone (or teach with a public teacher section), and the static pages. Drafts, scheduled
articles, hidden profiles and anything behind sign-in never appear.
"""

from __future__ import annotations

from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import Q, QuerySet
from django.urls import reverse

from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.magazine.models import Article
from preceptor.profiles.models import Profile, Visibility


class StaticSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "site:home",
            "catalog:list",
            "classes:list",
            "magazine:list",
            "billing:pricing",
            "cme:about",
            "support:contact",
            "privacy:policy",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class CourseSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.9

    def items(self) -> QuerySet[Course]:
        return Course.objects.published().filter(kind=Course.Kind.COURSE).order_by("position", "pk")

    def lastmod(self, item: Course) -> datetime:
        return item.updated_at


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self) -> QuerySet[Article]:
        return Article.objects.published().order_by("-published_at", "pk")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class ClassSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet[LiveClass]:
        return LiveClass.objects.filter(is_published=True).order_by("starts_at", "pk")


def public_profiles() -> QuerySet[Profile]:
    """Profiles a visitor can open that show them something: not hidden, of an active member, with a field shown to
    everyone, or a public teacher section."""
    shown = [Q(**{f"{name}_visibility": Visibility.PUBLIC}) & ~Q(**{name: ""}) for name in Profile.SHOWN_FIELDS]
    return (
        Profile.objects.filter(user__is_active=True, is_hidden=False)
        .filter(reduce(or_, shown) | Q(user__teacher__is_public=True))
        .order_by("handle")
    )


class ProfileSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self) -> QuerySet[Profile]:
        return public_profiles()

    def location(self, item: Profile) -> str:
        return reverse("profiles:detail", args=[item.handle])

    def lastmod(self, item: Profile) -> datetime:
        return item.updated_at


SITEMAPS: dict[str, Any] = {
    "pages": StaticSitemap,
    "courses": CourseSitemap,
    "articles": ArticleSitemap,
    "classes": ClassSitemap,
    "profiles": ProfileSitemap,
}
