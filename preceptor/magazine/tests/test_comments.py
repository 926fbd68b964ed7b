"""Members' comments: posting (held or shown), replies, editing within 15 minutes, deleting, reporting, the
moderation queue, the spam heuristics and rate limits. Every comment action is tried by its owner, another member,
an anonymous visitor and a staff member without the permission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from preceptor.core.models import AuditEvent
from preceptor.magazine.models import Comment, CommentReport
from preceptor.magazine.tests.conftest import make_article

pytestmark = pytest.mark.django_db


def post_comment(client, article, body, **extra):
    return client.post(f"/magazine/{article.slug}/comments/", {"body": body, **extra})


# --- Posting -------------------------------------------------------------------------------------------------
def test_a_members_first_comment_is_held_and_only_they_see_it_until_a_moderator_approves(
    client, article, learner, outsider, moderator
):
    client.force_login(learner)
    response = post_comment(client, article, "Does the bundle apply to children?")
    comment = Comment.objects.get()
    assert response.status_code == 302 and comment.status == "pending"
    assert comment.held_because == "first comment of this member"
    assert "Waiting for moderation" in client.get(article.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert "apply to children" not in client.get(article.get_absolute_url()).content.decode()
    client.logout()
    assert "apply to children" not in client.get(article.get_absolute_url()).content.decode()

    client.force_login(moderator)
    queue = client.get("/staff/magazine/comments/")
    assert queue.status_code == 200 and "apply to children" in queue.content.decode()
    assert client.post(f"/staff/magazine/comments/{comment.public_id}/", {"decision": "approve"}).status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.moderated_by == moderator
    assert AuditEvent.objects.filter(action="magazine.comment_approved", actor=moderator, subject=learner).exists()
    client.logout()
    assert "apply to children" in client.get(article.get_absolute_url()).content.decode()
    client.force_login(learner)  # approved once: the next comment is shown at once
    post_comment(client, article, "Thanks, found the paediatric guidance.")
    assert Comment.objects.filter(user=learner, status="approved").count() == 2


def test_holding_the_first_comment_is_a_setting(client, article, learner, settings):
    settings.MAGAZINE_HOLD_FIRST_COMMENT = False
    client.force_login(learner)
    post_comment(client, article, "Shown at once.")
    assert Comment.objects.get().status == "approved"


def test_a_comment_with_many_links_is_held_and_the_same_text_twice_is_refused(
    client, article, shown_comment, pro_member
):
    client.force_login(pro_member)
    post_comment(client, article, "See https://a.example https://b.example and https://c.example")
    held = Comment.objects.latest("pk")
    assert held.status == "pending" and held.held_because == "3 links"
    response = post_comment(client, article, "  lactate TWICE, always!  ")  # the same words as before
    assert response.status_code == 400 and "already posted this comment" in response.content.decode()
    assert Comment.objects.filter(user=pro_member).count() == 2


def test_copying_another_members_comment_holds_it(client, article, shown_comment, learner, settings):
    settings.MAGAZINE_HOLD_FIRST_COMMENT = False
    client.force_login(learner)
    post_comment(client, article, "Lactate twice, always.")
    assert Comment.objects.latest("pk").held_because == "the same text as another member's comment"


def test_comment_markdown_is_sanitised(client, article, learner, settings):
    settings.MAGAZINE_HOLD_FIRST_COMMENT = False
    client.force_login(learner)
    post_comment(client, article, "**Bold** <script>alert(1)</script> ![img](https://x.example/a.png)")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html and "<script>alert" not in html
    assert '<img src="https://x.example' not in html  # no image in a comment: at most a link, marked ugc


def test_replies_are_one_level_deep(client, article, shown_comment, learner, settings):
    settings.MAGAZINE_HOLD_FIRST_COMMENT = False
    client.force_login(learner)
    post_comment(client, article, "A reply.", parent=str(shown_comment.public_id))
    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == shown_comment
    post_comment(client, article, "A reply to the reply.", parent=str(reply.public_id))
    assert Comment.objects.get(body="A reply to the reply.").parent == shown_comment  # joins the same thread


def test_posting_needs_a_member_a_published_article_and_post(client, article, learner):
    assert post_comment(client, article, "Hello").url.startswith("/accounts/login/")
    client.force_login(learner)
    assert client.get(f"/magazine/{article.slug}/comments/").status_code == 405
    draft = make_article("draft", status="draft")
    assert post_comment(client, draft, "Early").status_code == 404
    article.comments_open = False
    article.save()
    response = post_comment(client, article, "Closed?")
    assert response.status_code == 400 and not Comment.objects.exists()


def test_posting_is_rate_limited(client, article, learner, settings):
    settings.MAGAZINE_HOLD_FIRST_COMMENT = False
    client.force_login(learner)
    for n in range(5):
        assert post_comment(client, article, f"Comment number {n}").status_code == 302
    refused = post_comment(client, article, "One too many")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert Comment.objects.count() == 5


# --- Editing ------------------------------------------------------------------------------------------------
def test_editing_owner_within_15_minutes_others_not_at_all(
    client, shown_comment, learner, staff_without_permissions, time_machine
):
    url = f"/magazine/comments/{shown_comment.public_id}/edit/"
    assert client.get(url).url.startswith("/accounts/login/")
    for user in (learner, staff_without_permissions):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "Hijacked"}).status_code == 404
    client.force_login(shown_comment.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Lactate twice, and clear it."}).status_code == 302
    shown_comment.refresh_from_db()
    assert shown_comment.body == "Lactate twice, and clear it." and shown_comment.edited_at is not None
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    response = client.post(url, {"body": "Too late now."})
    assert response.status_code == 200 and "first 15 minutes" in response.content.decode()
    shown_comment.refresh_from_db()
    assert shown_comment.body == "Lactate twice, and clear it."


# --- Deleting -----------------------------------------------------------------------------------------------
def test_deleting_owner_only(client, shown_comment, learner, staff_without_permissions):
    url = f"/magazine/comments/{shown_comment.public_id}/delete/"
    assert client.post(url).url.startswith("/accounts/login/")
    for user in (learner, staff_without_permissions):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(shown_comment.user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Comment.objects.exists()


def test_a_deleted_comment_with_replies_stays_as_an_empty_placeholder(client, article, shown_comment, learner):
    Comment.objects.create(article=article, user=learner, parent=shown_comment, body="I agree.", status="approved")
    client.force_login(shown_comment.user)
    client.post(f"/magazine/comments/{shown_comment.public_id}/delete/")
    shown_comment.refresh_from_db()
    assert shown_comment.is_deleted and shown_comment.body == "" and shown_comment.user is None
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html and "I agree." in html


# --- Reporting ----------------------------------------------------------------------------------------------
def test_reporting_other_members_only_once_each_and_enough_reports_hide_the_comment(
    client, shown_comment, learner, outsider, teacher, staff_without_permissions, settings
):
    url = f"/magazine/comments/{shown_comment.public_id}/report/"
    assert client.get(url).url.startswith("/accounts/login/")
    client.force_login(shown_comment.user)
    assert client.get(url).status_code == 404  # nobody reports their own comment
    settings.MAGAZINE_REPORTS_TO_HIDE = 3
    for n, user in enumerate((learner, outsider, staff_without_permissions), 1):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.post(url, {"reason": "abuse", "note": "Rude."}).status_code == 302
        assert client.post(url, {"reason": "spam"}).status_code in (302, 404)  # a second report changes nothing
        assert CommentReport.objects.count() == n
    shown_comment.refresh_from_db()
    assert shown_comment.status == "pending" and shown_comment.held_because == "reported by 3 members"
    client.force_login(teacher)
    assert client.get(url).status_code == 404  # hidden: nothing left to report


def test_a_bad_report_is_refused_with_the_forms_errors(client, shown_comment, learner):
    client.force_login(learner)
    response = client.post(f"/magazine/comments/{shown_comment.public_id}/report/", {"reason": "nonsense"})
    assert response.status_code == 200 and not CommentReport.objects.exists()


# --- Moderation ---------------------------------------------------------------------------------------------
def test_the_queue_and_its_decisions_are_for_moderators_only(
    client, shown_comment, pro_member, staff_without_permissions, editor, moderator
):
    CommentReport.objects.create(comment=shown_comment, user=staff_without_permissions, reason="spam")
    url = f"/staff/magazine/comments/{shown_comment.public_id}/"
    assert client.get("/staff/magazine/comments/").url.startswith("/accounts/login/")
    for user in (pro_member, staff_without_permissions, editor):
        client.force_login(user)
        assert client.get("/staff/magazine/comments/").status_code == 403
        assert client.post(url, {"decision": "reject"}).status_code == 403
    shown_comment.refresh_from_db()
    assert shown_comment.status == "approved"
    client.force_login(moderator)
    assert "Lactate twice" in client.get("/staff/magazine/comments/").content.decode()  # reported
    assert client.post(url, {"decision": "nonsense"}).status_code == 400
    assert client.post(url, {"decision": "reject"}).status_code == 302
    shown_comment.refresh_from_db()
    assert shown_comment.status == "rejected"
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()
    assert "Lactate twice" not in client.get("/staff/magazine/comments/").content.decode()
    client.logout()
    assert "Lactate twice" not in client.get(shown_comment.article.get_absolute_url()).content.decode()


def test_keeping_a_reported_comment_shows_it_again_and_closes_its_reports(client, shown_comment, learner, moderator):
    CommentReport.objects.create(comment=shown_comment, user=learner, reason="abuse")
    shown_comment.status = "pending"
    shown_comment.save()
    client.force_login(moderator)
    client.post(f"/staff/magazine/comments/{shown_comment.public_id}/", {"decision": "dismiss"})
    shown_comment.refresh_from_db()
    assert shown_comment.status == "approved"
    assert CommentReport.objects.get().resolved_at is not None


# --- Who is shown --------------------------------------------------------------------------------------------
def test_a_comment_shows_name_and_photo_as_the_profile_allows_and_links_only_a_visible_profile(
    client, shown_comment, pro_member
):
    from django.core.files.base import ContentFile

    profile = pro_member.profile
    profile.avatar.save("a.jpg", ContentFile(b"jpeg"), save=False)
    profile.avatar_visibility = "members"
    profile.save()
    url = shown_comment.article.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Dr. Paul Pro" in html and f'href="/u/{profile.handle}/"' in html
    assert f"/u/{profile.handle}/photo.jpg" not in html  # the photo is for members
    client.force_login(pro_member)
    assert f"/u/{profile.handle}/photo.jpg" in client.get(url).content.decode()
    profile.is_hidden = True
    profile.save()
    client.logout()
    html = client.get(url).content.decode()
    assert "Dr. Paul Pro" in html and f'href="/u/{profile.handle}/"' not in html


def test_the_comment_list_has_a_query_budget(client, article, learner, pro_member, django_assert_max_num_queries):
    for n in range(10):
        parent = Comment.objects.create(article=article, user=pro_member, body=f"Top {n}", status="approved")
        Comment.objects.create(article=article, user=learner, parent=parent, body=f"Re {n}", status="approved")
    with django_assert_max_num_queries(12):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('class="comment"') == 20
