"""The magazine in a browser, with the CSP enforced: an editor writes a draft in the admin, previews it and
publishes it; a member comments and the comment is held; a moderator approves it; a visitor then reads it. Every
request any of these pages makes goes to the test server itself: no third-party script, font, image or beacon.
Screenshots go to test-artifacts/test_an_article_is_published_commented_moderated_and_read/."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from preceptor.conftest import make_member, make_staff
from preceptor.magazine.models import Article, Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_page(new_page, user, base: str, hosts: list[str]):
    """A browser of its own for ``user`` (None: a visitor), recording the host of every request it makes."""
    page = new_page()
    page.context.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return page


def test_an_article_is_published_commented_moderated_and_read(live_server, new_page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base, hosts = live_server.url, []
    editor = make_staff("editor@example.org", "Eddie Editor", "Content editor")
    moderator = make_staff("moderator@example.org", "Mo Moderator", "Moderator")
    member = make_member("reader@example.org", "Dr. Rita Reader")

    # The editor writes a draft in the admin and previews it; nobody else can open it yet.
    page = signed_in_page(new_page, editor, base, hosts)
    page.goto(f"{base}/admin/magazine/article/add/")
    page.get_by_label("Title:").fill("Anticoagulation before cardioversion")
    page.get_by_label("Lead:").fill("Three weeks before, four weeks after: the rule and its exceptions.")
    page.get_by_label("Text:").fill(
        "## The rule\n\nAnticoagulate for **three weeks** before elective cardioversion of atrial fibrillation "
        "lasting more than 48 hours, and for at least four weeks after."
    )
    assert page.get_by_label("Address:").input_value() == "anticoagulation-before-cardioversion"  # prepopulated
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{base}/admin/magazine/article/")
    article = Article.objects.get()
    assert article.status == "draft"
    page.goto(f"{base}{article.get_absolute_url()}")
    assert "Preview: this article is a draft" in page.locator("#preview-notice").inner_text()
    screenshot(page, "01-editor-previews-the-draft")
    visitor = signed_in_page(new_page, None, base, hosts)
    assert visitor.goto(f"{base}{article.get_absolute_url()}").status == 404

    # Published from the admin: "publication time" left empty means now.
    page.goto(f"{base}/admin/magazine/article/{article.pk}/change/")
    page.get_by_label("Status:").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{base}/admin/magazine/article/")
    article.refresh_from_db()
    assert article.is_visible()

    # A member comments: their first comment is held, and only they see it.
    reader = signed_in_page(new_page, member, base, hosts)
    reader.goto(f"{base}/magazine/")
    reader.get_by_role("link", name="Anticoagulation before cardioversion").first.click()
    reader.get_by_label("Your comment").fill("Does this apply to atrial flutter as well?")
    reader.get_by_role("button", name="Post comment").click()
    assert "will appear once a moderator has read it" in reader.locator(".messages").inner_text()
    assert "Waiting for moderation" in reader.locator("#comments").inner_text()
    screenshot(reader, "02-member-sees-the-held-comment")
    assert Comment.objects.get().status == "pending"
    visitor.goto(f"{base}{article.get_absolute_url()}")
    assert "atrial flutter" not in visitor.locator("#comments").inner_text()

    # The moderator approves it from the queue.
    queue = signed_in_page(new_page, moderator, base, hosts)
    queue.goto(f"{base}/staff/")
    queue.get_by_role("link", name="Comment moderation").click()
    assert "atrial flutter" in queue.locator("main").inner_text()
    screenshot(queue, "03-moderation-queue")
    queue.get_by_role("button", name="Approve").click()
    assert "Nothing is waiting" in queue.locator("main").inner_text()

    # A visitor now reads the comment, under the member's name.
    visitor.reload()
    comments = visitor.locator("#comments").inner_text()
    assert "atrial flutter" in comments and "Dr. Rita Reader" in comments
    screenshot(visitor, "04-visitor-reads-the-comment")
    visitor.goto(f"{base}/magazine/?q=cardioversion")
    assert visitor.get_by_role("link", name="Anticoagulation before cardioversion").count() >= 1
    visitor.goto(f"{base}/courses/?q=cardioversion")  # the course search lists the article too
    assert "From the magazine" in visitor.locator("main").inner_text()

    # The member's own edit page, and another member's report form, load nothing from elsewhere either.
    comment = Comment.objects.get()
    reader.goto(f"{base}/magazine/comments/{comment.public_id}/edit/")
    assert reader.get_by_label("Your comment").input_value() == "Does this apply to atrial flutter as well?"
    queue.goto(f"{base}/magazine/comments/{comment.public_id}/report/")
    assert queue.get_by_label("Spam or advertising").count() == 1
    screenshot(queue, "05-report-form")

    assert hosts and set(hosts) == {urlsplit(base).netloc}, f"requests to other hosts: {set(hosts)}"
