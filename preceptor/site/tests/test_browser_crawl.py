"""Every page the demo roles reach (the URLconf walked with the seeded demo, as in ``pages.py``) is opened once, at
390 × 844 CSS pixels, with the CSP enforced, and checked twice:

- it fits a phone: ``document.documentElement.scrollWidth <= 390``; a failure lists each page that scrolls sideways
  and the elements that stick out past the right edge;
- axe-core (bundled by axe-playwright-python) finds no violation of WCAG 2.0, 2.1 and 2.2 at levels A and AA; a
  failure lists per page each rule, its impact and the first elements it flags.

One browser context per role and a fresh tab for every URL; files, CSV exports and links that leave the site are left
out (they are not laid out as pages). The number of pages checked is printed, so the CI log shows it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from preceptor.site.tests.pages import PAGES, SKIPPED, _seed, paths, url_names

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844

# URL names that answer with something other than a laid-out page (files, feeds, JSON, redirects off the site).
NOT_PAGES = {
    "site:healthz",
    "site:public_media",
    "profiles:avatar",
    "catalog:media",
    "catalog:file",
    "cme:certificate_pdf",
    "classes:ics",
    "mail:open",
    "mail:click",
    "privacy:gpc",
    "billing:webhook",
    "site:sitemap",  # XML for crawlers (Chromium's XML viewer styles it inline, which the CSP refuses)
    "magazine:feed",  # Atom for feed readers
    "mail:webhook_bounces",
    "mail:webhook_postmark",
    "support:help_search",  # JSON for the support form's suggestions
}
# allauth's pages for a signed-in member, which ``pages.py`` leaves out of the walk (and the sign-in pages).
MEMBER_ALLAUTH = (
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "socialaccount_connections",
)
VISITOR_ALLAUTH = ("account_email_verification_sent", "account_inactive")

# Finds the elements whose right edge is past the viewport, innermost first (no offending descendant), as
# "tag.class#id (right edge)". Run with Playwright's evaluate (the CDP, not eval in the page: the CSP allows it).
OFFENDERS_JS = """(width) => {
  const wide = [...document.querySelectorAll('body *')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  });
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  return innermost.slice(0, 6).map((el) => {
    const names = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${names.map((n) => '.' + n).join('')}${el.id ? '#' + el.id : ''} (${right}px)`;
  });
}"""


# axe-core's rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA (2.2 added AA rules only). Only violations come
# back in full (passes and incomplete results are trimmed to one node each), which keeps the answer small.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
# Injected with Playwright's evaluate (the CDP: the site's CSP, which allows no inline script, does not apply), then
# run; answers "rule (impact): selector, selector, selector (+n more)" for each violation.
AXE_RUN_JS = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((rule) => {
    const targets = rule.nodes.slice(0, 3).map((node) => node.target.join(' '));
    const more = rule.nodes.length > 3 ? ` (+${rule.nodes.length - 3} more)` : '';
    return `${rule.id} (${rule.impact}): ${targets.join(', ')}${more}`;
  });
}"""


def axe_violations(page) -> list[str]:
    """axe-core's WCAG A and AA violations on the page as it is now, one line per rule."""
    page.evaluate(AXE_SCRIPT)
    return page.evaluate(AXE_RUN_JS, AXE_OPTIONS)


# Chromium's answers when a URL is not a page: an action's 405 (or a 403/404 with no body), a file, a redirect off
# the site (aborted by the route below). Any other failure (a timeout, an interrupted navigation) fails the test.
NO_PAGE = ("net::ERR_HTTP_RESPONSE_CODE_FAILURE", "Download is starting", "net::ERR_ABORTED")

# The demo checkout exists only with DEBUG on; every other page is opened as in production (DEBUG off: the site's
# own 404 and 403 pages, not Django's debug pages).
NEEDS_DEBUG = {"billing:demo_pay", "billing:demo_order_pay"}


def _paths(demo, user) -> list[tuple[str, str]]:
    """(URL name, path) of every page to open as ``user``."""
    found = []
    for name, _route in url_names():  # a URL without an entry in PAGES fails test_get_is_safe.py, not this test
        if name in PAGES and name not in SKIPPED and name not in NOT_PAGES:
            found += [(name, path) for path in paths(demo, name, user) if "format=csv" not in path]
    found += [(name, reverse(name)) for name in (MEMBER_ALLAUTH if user else VISITOR_ALLAUTH)]
    found.append(("404", "/no-such-page/"))
    return list(dict.fromkeys(found))


def _stay_on(route, host: str) -> None:
    if urlsplit(route.request.url).netloc == host:
        route.continue_()
    else:
        route.abort()


def _session_cookie(user, base: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def test_every_page_the_demo_roles_reach_fits_a_phone_and_passes_axe_at_wcag_aa(
    live_server, new_page, settings, tmp_path, capsys
):
    media_root = tmp_path / "media"
    settings.MEDIA_ROOT = media_root
    settings.DEBUG = True  # the demo seeds its checkout only in development
    demo = _seed(media_root)
    base = live_server.url
    host = urlsplit(base).netloc
    roles = {"visitor": None, "trial member": demo.users["learner"], "Pro member": demo.users["pro"]}
    roles |= {"teacher": demo.users["teacher"], "staff": demo.users["staff"]}

    too_wide, inaccessible, opened, unopened, skipped, refused = [], [], 0, [], [], []
    for role, user in roles.items():
        # The teacher reads German (longer words): the same pages must fit in either language.
        context = new_page(extra_http_headers={"Accept-Language": "de" if role == "teacher" else "en"}).context
        # Nothing leaves the test server (a page that redirects to a provider or a tracked link is not followed).
        context.route("**/*", lambda route: _stay_on(route, host))
        if user is not None:
            context.add_cookies([_session_cookie(user, base)])
        for name, path in _paths(demo, user):
            settings.DEBUG = name in NEEDS_DEBUG
            # A tab per URL: a navigation that ends on Chromium's error page (an action's empty 405, a download, a
            # redirect off the site) would otherwise still be running when the next one starts, and interrupt it.
            page = context.new_page()
            page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
            page.set_default_timeout(15_000)
            try:
                try:
                    response = page.goto(f"{base}{path}", wait_until="load")
                except PlaywrightError as error:
                    first_line = str(error).splitlines()[0]
                    (refused if any(reason in first_line for reason in NO_PAGE) else unopened).append(
                        f"{role} {path}: {first_line}"
                    )
                    continue
                if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                    skipped.append(f"{role} {path}")
                    continue
                opened += 1
                width = page.evaluate("() => document.documentElement.scrollWidth")
                if width > WIDTH:
                    offenders = page.evaluate(OFFENDERS_JS, WIDTH)
                    too_wide.append(f"{role} {path}: {width}px wide; {', '.join(offenders) or '?'}")
                if violations := axe_violations(page):
                    inaccessible.append(f"{role} {path}:\n  " + "\n  ".join(violations))
            finally:
                page.close()
    with capsys.disabled():
        print(f"\n{opened} pages checked (390 px wide, axe-core WCAG 2.0/2.1/2.2 A and AA) for {len(roles)} roles")
    assert opened >= 500, f"only {opened} pages were opened; not HTML: {skipped}; not a page: {refused}"
    # Every kind of failure is listed at once: a page that did not open does not hide the others' findings.
    failures = {
        "pages that did not open": unopened,
        "pages wider than 390 px": too_wide,
        f"pages with axe-core violations ({len(inaccessible)})": inaccessible,
    }
    assert not any(failures.values()), "\n\n".join(
        f"{what}:\n" + "\n".join(found) for what, found in failures.items() if found
    )
