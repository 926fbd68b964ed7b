"""The installable app (decision 0041): a web manifest with icons, a service worker at the root that keeps the
offline page, the stylesheet and the icons — fetched without cookies, so nothing personal — and shows the offline
page when the network is away."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from preceptor.conftest import wait_until

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_its_icons_and_where_it_starts(client):
    response = client.get(reverse("site:manifest"))
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["display"], manifest["start_url"]) == ("Preceptor", "standalone", "/")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get("/").content.decode()
    assert f'<link rel="manifest" href="{reverse("site:manifest")}">' in html
    assert "site/app.js" in html


def test_the_worker_is_served_from_the_root_and_keeps_only_the_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(response.content.decode().split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["shell"][0] == reverse("site:offline")
    assert all(url.startswith(("/offline/", "/static/")) for url in config["shell"])


def test_the_offline_page_holds_nothing_personal(client, pro_member):
    client.force_login(pro_member)
    html = client.get(reverse("site:offline")).content.decode()
    assert "You are offline" in html
    assert pro_member.full_name not in html and pro_member.email not in html


@pytest.mark.parametrize(("delivery", "offered"), [("stream", True), ("x-accel", True), ("signed-url", False)])
def test_save_for_offline_is_offered_only_where_the_video_comes_from_our_address(
    client, course, pro_member, settings, delivery, offered
):
    settings.MEDIA_DELIVERY = delivery
    client.force_login(pro_member)
    html = client.get("/courses/heart-rhythm/twelve-leads/").content.decode()
    assert ("data-offline-save" in html) is offered


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_installed_the_app_shows_its_offline_page_without_a_network(live_server, new_page, screenshot):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).active.scriptURL").endswith("/sw.js")
    manifest = page.evaluate("async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()")
    assert manifest["short_name"] == "Preceptor"
    kept = page.evaluate(
        """async () => {
          const names = await caches.keys();
          const urls = [];
          for (const name of names) {
            for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
          }
          return urls.sort();
        }"""
    )
    assert "/offline/" in kept and "/static/css/preceptor.css" in kept
    assert all(url.startswith(("/offline/", "/static/")) for url in kept), kept

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/courses/")
    assert page.locator("h1").inner_text() == "You are offline"
    # Styled from the copy on the device: the header has the brand's colours, not the browser's defaults.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") != "inline"
    screenshot(page, "offline")
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/courses/")
    assert page.locator("h1").inner_text() != "You are offline"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_saved_lesson_plays_offline_leaves_when_membership_ends_and_at_sign_out(
    live_server, new_page, course, pro_member, screenshot
):
    from django.test import Client

    from preceptor.accounts.services import complimentary_pro_grant
    from preceptor.catalog.models import Lesson, LessonProgress

    # The video lesson is for Pro members only (not the course's free first lesson).
    Lesson.objects.filter(slug="twelve-leads").update(module=course.modules.get(position=2), position=9)
    base = live_server.url
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    client = Client()
    client.force_login(pro_member)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    lesson_url = f"{base}/courses/heart-rhythm/twelve-leads/"
    page.goto(lesson_url)
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the worker
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")

    page.get_by_role("button", name="Save for offline").click()
    page.get_by_text("Saved on this device.").wait_for()
    page.goto(f"{base}/offline/saved/")
    item = page.locator(".saved-lesson")
    item.wait_for()
    assert "Twelve leads" in item.inner_text() and "Heart Rhythm Basics" in item.inner_text()
    assert " MB" in item.inner_text() and "Space used:" in page.locator("[data-saved-total]").inner_text()
    screenshot(page, "saved")

    # No network: the list and the lesson come from the device; the video plays (Range requests answered there).
    page.context.set_offline(True)
    page.goto(f"{base}/offline/saved/")
    page.get_by_role("button", name="Play").click()
    page.evaluate(
        "async () => { const v = document.querySelector('[data-saved-player] video'); v.muted = true; await v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('[data-saved-player] video').currentTime > 3")
    assert page.locator("[data-saved-transcript]").text_content() == "Twelve leads, twelve views."
    screenshot(page, "playing-offline")
    page.evaluate("() => document.querySelector('[data-saved-player] video').pause()")

    # The time watched offline waits on the device (nothing reached the server), then is sent once back online.
    pending = """async () => {
      const store = await caches.open('preceptor-lessons');
      const kept = await store.match('/offline/saved/watched/heart-rhythm/twelve-leads');
      return kept ? (await kept.json()).watched : null;
    }"""
    wait_until(lambda: (page.evaluate(pending) or 0) > 2, what="the time kept on the device")
    kept = page.evaluate(pending)
    progress = LessonProgress.objects.filter(user=pro_member, lesson__slug="twelve-leads")
    assert progress.get().watched_seconds == 0
    page.context.set_offline(False)  # the page hears "online" and sends
    wait_until(lambda: page.evaluate(pending) is None, what="the kept time sent")
    assert progress.get().watched_seconds == pytest.approx(kept, abs=0.05)
    assert progress.get().position_seconds > 2

    # The membership ends: the next time the page is opened online, the lesson leaves the device.
    complimentary_pro_grant(user=pro_member, until=None, actor=None)
    page.goto(f"{base}/offline/saved/")
    page.locator("[data-saved-empty]").wait_for()
    assert page.locator(".saved-lesson").count() == 0

    # Saved again (Pro again), then signing out empties the device's lesson store.
    complimentary_pro_grant(user=pro_member, until=timezone.now() + timedelta(days=30), actor=None)
    page.goto(lesson_url)
    page.get_by_role("button", name="Save for offline").click()
    page.get_by_text("Saved on this device.").wait_for()
    assert page.evaluate("async () => (await (await caches.open('preceptor-lessons')).keys()).length") == 3
    page.goto(f"{base}/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "preceptor-lessons" not in page.evaluate("async () => await caches.keys()")
