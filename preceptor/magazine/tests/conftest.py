"""Magazine fixtures: articles in each state, and a member's shown comment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from preceptor.catalog.models import Specialty
from preceptor.magazine.models import Article, Comment


def make_article(slug: str = "sepsis", *, days: float = -1, status: str = "published", **fields) -> Article:
    """An article published ``days`` from now (negative: in the past)."""
    defaults = {
        "title": f"About {slug}",
        "lead": "A short lead about sepsis care.",
        "body": "## Bundle\n\nGive **antibiotics** within the hour.",
    }
    return Article.objects.create(
        slug=slug,
        status=status,
        published_at=timezone.now() + timedelta(days=days) if status == "published" else None,
        **{**defaults, **fields},
    )


@pytest.fixture
def article(db, teacher) -> Article:
    article = make_article("sepsis-first-hour", author=teacher, title="Sepsis in the first hour")
    article.specialties.add(Specialty.objects.create(name="Emergency medicine", slug="emergency-medicine"))
    return article


@pytest.fixture
def shown_comment(article, pro_member) -> Comment:
    """The Pro member's comment, approved and written just now (so still editable)."""
    return Comment.objects.create(article=article, user=pro_member, body="Lactate twice, always.", status="approved")


@pytest.fixture
def moderator(staff_in):
    return staff_in("Moderator")


@pytest.fixture
def editor(staff_in):
    return staff_in("Content editor")
