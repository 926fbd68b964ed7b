"""First visit with every tag configured: only necessary cookies and no third-party request until "Accept all";
then the tags load; withdrawal removes their cookies. Accept and Reject look the same. GPC refuses marketing."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ALLOWED_COOKIES = {"csrftoken", "sessionid", "preceptor_consent"}
# What the stand-in tag scripts do: set the cookies the real ones would.
FAKE_TAG = {
    "www.googletagmanager.com": "document.cookie='_ga=GA1.1.123.456; path=/'; document.cookie='_gid=GA1.1.7; path=/';",
    "static.hotjar.com": "document.cookie='_hjSessionUser_1234567=abc; path=/';",
    "connect.facebook.net": "document.cookie='_fbp=fb.1.123.456; path=/';",
}


@pytest.fixture
def every_tag(settings):
    settings.GA_MEASUREMENT_ID, settings.HOTJAR_SITE_ID = "G-TEST123", "1234567"
    settings.GOOGLE_ADS_ID, settings.META_PIXEL_ID = "AW-TEST456", "987654321"


def watch(page, base):
    """Record every request to another host, and answer tag scripts with the stand-ins (no network here)."""
    third_party: list[str] = []
    own = urlsplit(base).netloc

    def handle(route):
        url = urlsplit(route.request.url)
        if url.netloc == own:
            return route.continue_()
        third_party.append(url.netloc)
        return route.fulfill(status=200, content_type="application/javascript", body=FAKE_TAG.get(url.netloc, ""))

    page.route("**/*", handle)
    return third_party


def test_nothing_third_party_before_accept_then_tags_then_withdrawal_clears_them(
    live_server, new_page, screenshot, every_tag
):
    base = live_server.url
    page = new_page()
    third_party = watch(page, base)
    page.goto(f"{base}/courses/")
    page.goto(f"{base}/")
    banner = page.locator(".consent-banner")
    assert banner.is_visible()
    screenshot(page, "01-first-visit-banner")
    assert third_party == []
    assert {c["name"] for c in page.context.cookies()} <= ALLOWED_COOKIES

    accept = banner.get_by_role("button", name="Accept all")
    reject = banner.get_by_role("button", name="Reject all")
    style = (
        "e => { const s = getComputedStyle(e); const r = e.getBoundingClientRect(); return [e.tagName, r.width,"
        " r.height, s.backgroundColor, s.color, s.fontWeight, s.fontSize, s.borderColor]; }"
    )
    assert accept.evaluate(style) == reject.evaluate(style)
    assert page.locator(".consent-banner input[type=checkbox]:checked").count() == 0

    accept.click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/courses/")
    page.wait_for_load_state("networkidle")
    assert {"www.googletagmanager.com", "static.hotjar.com", "connect.facebook.net"} <= set(third_party)
    assert {"_ga", "_gid", "_fbp"} <= {c["name"] for c in page.context.cookies()}
    assert not page.locator(".consent-banner").count()
    screenshot(page, "02-after-accept")

    page.goto(f"{base}/privacy/cookies/")
    screenshot(page, "03-preferences")
    page.locator("form.preferences-form").get_by_role("button", name="Reject all").click()
    names = {c["name"] for c in page.context.cookies()}
    assert not {n for n in names if n.startswith(("_ga", "_gid", "_hj", "_fbp", "_gcl"))}, names
    before = len(third_party)
    page.goto(f"{base}/courses/")
    page.wait_for_load_state("networkidle")
    assert len(third_party) == before


def test_a_gpc_browser_sees_the_marketing_purposes_refused(live_server, new_page, screenshot, every_tag):
    page = new_page(extra_http_headers={"Sec-GPC": "1"})
    page.goto(f"{live_server.url}/")
    assert page.get_by_text("Your browser sends a Global Privacy Control signal").is_visible()
    page.goto(f"{live_server.url}/privacy/cookies/")
    refused = page.get_by_text("Refused because your browser sends Global Privacy Control")
    assert refused.count() == 2
    assert not page.locator("#purpose-marketing_google").is_checked()
    assert not page.locator("#purpose-marketing_meta").is_checked()
    screenshot(page, "gpc-preferences")


def test_accepting_every_tag_leaves_the_console_free_of_policy_warnings(live_server, new_page, every_tag):
    """Chromium warns on the console when a directive lists 'none' beside a source ("… contains the keyword
    'none' alongside with other source expressions"), which every tag used to cause in frame-src."""
    page = new_page()
    watch(page, live_server.url)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/")
    page.locator(".consent-banner").get_by_role("button", name="Accept all").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/courses/")
    page.wait_for_load_state("networkidle")
    assert not [text for text in console if "Content-Security-Policy" in text or "frame-src" in text], console
