"""A GET changes nothing: every page of the URLconf, opened by every kind of visitor on the seeded demo, leaves
every table as it was (no INSERT, UPDATE or DELETE, and the same row count in every table).

The page list is the URLconf itself: each URL name needs an entry in ``PAGES`` (how to fill its parameters
from the demo) or in ``SKIPPED`` (why not), so a new URL without an entry fails this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

import pytest
from django.apps import apps
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from preceptor.site.tests.pages import PAGES, SKIPPED, pages, url_names

# --- What a GET may write --------------------------------------------------------------------------------
# Ignored everywhere:
# - analytics.RequestLog and analytics.PageviewEvent: RequestLogMiddleware logs every request and counts human
#   page views; it only buffers the rows in memory (written in batches after the responses, and tests flush
#   them themselves), so they are log data, not state a page view changes.
# - analytics.DailySalt: the day's random salt for the cookieless visitor key, created by the same middleware
#   on the first counted page view of the day (statistics machinery, once a day, not per page view).
# - sessions.Session: signing in, CSRF and flash messages live in the session by design.
IGNORED_TABLES = {"analytics.RequestLog", "analytics.PageviewEvent", "analytics.DailySalt", "sessions.Session"}

# Writes that are what the URL is for, per URL name (and nothing else on that URL):
ALLOWED_WRITES: dict[str, set[str]] = {
    # A handout download is counted per file and day, without identity: an analytics-like side effect, like the
    # page-view statistics, that no member sees as a change (the staff statistics page shows the counts).
    "catalog:file": {"catalog.FileDownloadDay"},
    # E-mail open pixel and tracked link: an image load and a link click are GETs by nature, and counting them
    # is the only thing these URLs do (per recipient only under the member's e-mail tracking consent).
    "mail:open": {"mail.CampaignCounter", "mail.EmailEvent"},
    "mail:click": {"mail.CampaignCounter", "mail.EmailEvent"},
    # Showing a roster discloses members' names and e-mail addresses to the teacher; the member's disclosure
    # ledger must record every time that happens, and the GET is the disclosure (an access log, not a change).
    "classes:roster": {"privacy.Disclosure"},
    "teams:dashboard": {"privacy.Disclosure"},  # likewise: what members share, shown to their organisation
    # Staff reading members' personal data leave an audit row (who looked at whose data); like the roster's
    # disclosure, the GET is the access, and the row is its log, not a change.
    "privacy:staff_record": {"core.AuditEvent"},
    "privacy:staff_requests": {"core.AuditEvent"},
    "privacy:staff_extend": {"core.AuditEvent"},
    "privacy:staff_legal_detail": {"core.AuditEvent"},
    "analytics:request_log": {"core.AuditEvent"},
    "cme:evaluations": {"core.AuditEvent"},
    "cme:certificate_pdf": {"core.AuditEvent"},
    "billing:invoice_pdf": {"core.AuditEvent"},
}

VISITORS = ("anonymous", "learner", "pro", "teacher", "new_teacher", "staff")


def test_every_url_in_the_urlconf_has_an_entry_or_a_reason_to_be_skipped():
    found = dict(url_names())
    missing = sorted(set(found) - set(PAGES) - set(SKIPPED))
    assert not missing, f"new URL without an entry in PAGES or SKIPPED: {[(n, found[n]) for n in missing]}"
    stale = sorted((set(PAGES) | set(SKIPPED)) - set(found))
    assert not stale, f"entries for URLs that are gone: {stale}"
    assert all(SKIPPED.values()), "every skipped URL says why"


# --- Watching the database -------------------------------------------------------------------------------
def _tables() -> dict[str, str]:
    """db_table → model label, for every table Django manages (many-to-many tables included)."""
    return {
        model._meta.db_table: model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def row_counts(tables: dict[str, str]) -> dict[str, int]:
    """Every table's row count, in one query."""
    quote = connection.ops.quote_name
    names = sorted(tables)
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(name)})" for name in names)  # noqa: S608 - our own tables
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        counts = cursor.fetchone()
    return {tables[name]: count for name, count in zip(names, counts, strict=True)}


WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)


def writes(queries: list[dict[str, str]], tables: dict[str, str]) -> list[tuple[str, str]]:
    """(model label, statement) for each INSERT, UPDATE or DELETE among the captured queries."""
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match:
            found.append((tables.get(match.group(1), match.group(1)), query["sql"][:160]))
    return found


def get_changes(client: Client, path: str, allowed: set[str], tables: dict[str, str]) -> list[str]:
    """What a GET of ``path`` changed, besides the ignored tables and ``allowed``."""
    skip = IGNORED_TABLES | allowed
    before = row_counts(tables)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:  # a file is read (and counted) as it streams; the client closes it at the end
            b"".join(cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content))
    after = row_counts(tables)
    problems = [f"{label} {sql}" for label, sql in writes(captured.captured_queries, tables) if label not in skip]
    problems += [
        f"{label}: {before[label]} → {after[label]} rows"
        for label in before
        if before[label] != after[label] and label not in skip
    ]
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("who", VISITORS)
def test_no_get_changes_any_table_for_any_visitor(demo, settings, who):
    settings.DEBUG = True  # the demo checkout pages exist only in development
    settings.MEDIA_ROOT = demo.objects["media_root"]
    user = None if who == "anonymous" else demo.users[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    tables = _tables()
    seen, changed = 0, []
    for name, path in pages(demo, user):
        problems = get_changes(client, path, ALLOWED_WRITES.get(name, set()), tables)
        seen += 1
        changed += [f"GET {path} ({name}): {problem}" for problem in problems]
    assert not changed, "\n".join(changed)
    assert seen >= len(PAGES) - len(SKIPPED)


@pytest.mark.django_db
def test_a_gpc_signal_is_recorded_on_a_visitors_first_page_of_the_day_not_on_every_get():
    from preceptor.privacy.models import ConsentRecord

    for _ in range(3):  # a visitor who keeps no cookies, so the consent cookie cannot say "recorded"
        assert Client().get("/", HTTP_SEC_GPC="1").status_code == 200
    assert ConsentRecord.objects.filter(action="gpc_auto").count() == 1
    Client().get("/", HTTP_SEC_GPC="1", HTTP_USER_AGENT="Another browser")
    assert ConsentRecord.objects.filter(action="gpc_auto").count() == 2
