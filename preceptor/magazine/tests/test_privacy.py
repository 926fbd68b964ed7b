"""The member's comments in their data rights: the export holds them, and at erasure the member chooses whether
their comments are deleted or kept without their name (the choice is made on the account deletion form)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from preceptor.conftest import PASSWORD
from preceptor.magazine.models import Article, Comment, CommentReport
from preceptor.privacy import registry
from preceptor.privacy.models import DataRequest
from preceptor.privacy.services import erasure_perform, erasure_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(article, pro_member, learner):
    """The Pro member's comment with the learner's reply, a comment of the learner's own, and a report by the
    learner of the Pro member's comment."""
    top = Comment.objects.create(article=article, user=pro_member, body="Start early.", status="approved")
    reply = Comment.objects.create(article=article, user=learner, parent=top, body="Agreed.", status="approved")
    own = Comment.objects.create(article=article, user=learner, body="Learner's own thread.", status="approved")
    mine_with_reply = Comment.objects.create(article=article, user=learner, body="Ask me.", status="approved")
    Comment.objects.create(article=article, user=pro_member, parent=mine_with_reply, body="Why?", status="approved")
    CommentReport.objects.create(comment=top, user=learner, reason="other", note="Unclear")
    return {"top": top, "reply": reply, "own": own, "with_reply": mine_with_reply}


def test_the_export_holds_the_members_comments_reports_and_articles(discussion, learner, teacher):
    data = registry.export_user(learner)["magazine"]
    assert {c["body"] for c in data["comments"]} == {"Agreed.", "Learner's own thread.", "Ask me."}
    assert data["comments"][0]["article"] == "Sepsis in the first hour"
    assert data["reports"][0]["reason"] == "other" and data["reports"][0]["note"] == "Unclear"
    assert registry.export_user(teacher)["magazine"]["articles"][0]["title"] == "Sepsis in the first hour"


def test_erasure_deletes_the_comments_by_default_keeping_others_replies_in_place(discussion, learner, client):
    erasure_perform(request=erasure_request(user=learner))
    assert not Comment.objects.filter(user=learner).exists()
    assert not Comment.objects.filter(body__in=["Agreed.", "Learner's own thread.", "Ask me."]).exists()
    placeholder = Comment.objects.get(pk=discussion["with_reply"].pk)  # the Pro member's reply keeps its place
    assert placeholder.is_deleted and placeholder.user is None and placeholder.body == ""
    assert not CommentReport.objects.exists()
    html = client.get(discussion["top"].article.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html and "Why?" in html and "Start early." in html


def test_erasure_keeps_the_comments_without_the_name_when_the_member_chose_so(discussion, learner, client):
    request = erasure_request(user=learner, options={"magazine.comments": "pseudonymise"})
    erasure_perform(request=request)
    kept = Comment.objects.filter(body__in=["Agreed.", "Learner's own thread.", "Ask me."])
    assert kept.count() == 3 and not kept.filter(user__isnull=False).exists()
    request.refresh_from_db()
    assert any("kept without your name" in line for line in request.answer["kept"]["magazine"])
    html = client.get(discussion["top"].article.get_absolute_url()).content.decode()
    assert "Learner's own thread." in html and "Former member" in html and "Lena Learner" not in html


def test_an_authors_erasure_keeps_the_article_without_their_name(article, teacher):
    erasure_perform(request=erasure_request(user=teacher))
    assert Article.objects.get(pk=article.pk).author is None


def test_the_deletion_form_asks_about_comments_only_of_a_member_who_wrote_some(client, discussion, learner, outsider):
    client.force_login(outsider)
    assert "Your comments in the magazine" not in client.get(reverse("privacy:data")).content.decode()
    client.force_login(learner)
    page = client.get(reverse("privacy:data")).content.decode()
    assert "Your comments in the magazine" in page and "Former member" in page
    asked = client.post(
        reverse("privacy:data"), {"action": "erase", "confirm": "on", "option_magazine_comments": "pseudonymise"}
    )
    response = client.post(asked.url, {"password": PASSWORD})  # allauth re-authenticates, then replays the POST
    assert response.url == reverse("account_login")
    assert DataRequest.objects.get(user=learner, kind="erasure").options == {"magazine.comments": "pseudonymise"}


def test_a_nonsense_choice_is_refused_by_the_form(client, discussion, learner):
    client.force_login(learner)
    asked = client.post(
        reverse("privacy:data"), {"action": "erase", "confirm": "on", "option_magazine_comments": "sell-them"}
    )
    response = client.post(asked.url, {"password": PASSWORD})
    assert response.status_code == 200 and not DataRequest.objects.filter(kind="erasure").exists()
