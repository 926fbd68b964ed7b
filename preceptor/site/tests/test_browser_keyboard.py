"""The page frame for keyboard and assistive-technology users (WCAG 2.2 AA, issue 20): the skip link is the first tab
stop and takes focus to the main content, focus is visible, a table that scrolls on a phone can be reached and
scrolled by keyboard, ``<html lang>`` is the language the page is in, and motion stops when the system asks.
axe-core checks every page in ``test_browser_crawl.py``; these are the behaviours it cannot see."""

from __future__ import annotations

import pytest

from preceptor.conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE_JS = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: el.textContent.trim(),
    inMain: document.querySelector('main').contains(el) && el !== document.querySelector('main'),
    onScreen: box.width > 0 && box.left >= 0 && box.top >= 0 && box.right <= innerWidth,
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
  };
}"""


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/courses/")

    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE_JS)
    assert (first["cls"], first["text"]) == ("skip-link", "Skip to content")
    assert first["onScreen"], "the skip link is shown when it has focus"
    assert first["outline"] == "solid 3px", "focus is visible"

    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    target = page.evaluate(ACTIVE_JS)
    assert (target["tag"], target["id"]) == ("main", "main")

    page.keyboard.press("Tab")  # the next stop is in the content, not back in the header
    after = page.evaluate(ACTIVE_JS)
    assert after["inMain"], after
    assert after["outline"] == "solid 3px", after


def test_a_table_wider_than_a_phone_is_a_tab_stop_that_the_arrow_keys_scroll(live_server, new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/privacy/cookies/")  # the table of cookies is wider than a phone
    tables = page.locator("main table")
    assert tables.count() > 0
    wide = page.locator("main table[data-scroll-region]")
    assert wide.count() > 0, "a table that scrolls sideways is made focusable"
    assert wide.first.get_attribute("tabindex") == "0"

    wide.first.focus()
    page.keyboard.press("ArrowRight")
    wait_until(lambda: wide.first.evaluate("table => table.scrollLeft > 0"), what="the table's scroll position")

    page.set_viewport_size({"width": 1280, "height": 900})  # where the table fits, it is no tab stop of its own
    wait_until(lambda: wide.count() == 0, what="the tab stop's removal")
    assert tables.first.get_attribute("tabindex") is None


def test_the_page_says_which_language_it_is_in(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/courses/")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.select_option("#language-select", "de")
    page.locator(".language-form button").click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.lang") == "de"
    assert page.locator(".skip-link").inner_text() == "Zum Inhalt springen"


@pytest.mark.parametrize(("motion", "duration"), [("reduce", "0s"), ("no-preference", "2s")])
def test_transitions_and_animations_stop_when_the_system_asks_for_reduced_motion(
    live_server, new_page, motion, duration
):
    page = new_page()
    page.emulate_media(reduced_motion=motion)
    page.goto(f"{live_server.url}/courses/")
    # A transition and an animation set on an element (CSSOM, which the CSP allows) as a page script would.
    styles = page.locator(".btn").first.evaluate(
        """btn => { btn.style.transition = 'opacity 2s'; btn.style.animation = 'none 2s infinite';
        const style = getComputedStyle(btn);
        return [style.transitionDuration, style.animationIterationCount]; }"""
    )
    assert styles == [duration, "1" if motion == "reduce" else "infinite"]
