"""Log data and cookieless statistics, with frozen time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from preceptor.analytics import buffer
from preceptor.analytics.models import DailySalt, DailyStat, PageviewEvent, RequestLog
from preceptor.analytics.services import daily_stats_aggregate
from preceptor.analytics.visitors import truncate_ip
from preceptor.privacy.models import RetentionRun
from preceptor.privacy.services import retention_run

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
DAY1 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def visit(client, path="/", ua=FIREFOX, ip="203.0.113.77", **headers):
    response = client.get(path, HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **headers)
    buffer.flush()
    return response


def test_a_request_is_logged_without_a_write_in_the_request_and_a_pageview_keeps_no_ip_or_user_agent(client):
    client.get("/", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.77")
    assert RequestLog.objects.count() == 0  # buffered, not yet written
    assert buffer.flush() >= 2
    log = RequestLog.objects.get()
    assert (log.method, log.path, log.status, log.browser, log.browser_version, log.os) == (
        "GET",
        "/",
        200,
        "Firefox",
        "128",
        "Linux",
    )
    assert log.ip == "203.0.113.77" and log.request_id
    view = PageviewEvent.objects.get()
    stored = " ".join(str(getattr(view, f.name)) for f in PageviewEvent._meta.concrete_fields)
    assert "203.0.113" not in stored and "Mozilla" not in stored
    assert {f.name for f in PageviewEvent._meta.concrete_fields} == {
        "id",
        "day",
        "visitor",
        "path",
        "country",
        "browser",
        "os",
        "device",
        "referrer_host",
    }


def test_the_same_ip_and_browser_on_two_days_are_two_visitors(client):
    with time_machine.travel(DAY1, tick=False):
        visit(client)
        visit(client, "/courses/")
    with time_machine.travel(DAY1 + timedelta(days=1), tick=False):
        visit(client)
    day1, day2 = DAY1.date(), DAY1.date() + timedelta(days=1)
    keys1 = set(PageviewEvent.objects.filter(day=day1).values_list("visitor", flat=True))
    keys2 = set(PageviewEvent.objects.filter(day=day2).values_list("visitor", flat=True))
    assert len(keys1) == 1 and len(keys2) == 1 and keys1 != keys2
    daily_stats_aggregate(day=day1)
    assert DailyStat.objects.get(day=day1, metric="visitors").count == 1
    assert not DailyStat.objects.filter(day=day1, metric="goal").exists()
    assert DailyStat.objects.get(day=day1, metric="pageviews").count == 2


def test_salts_are_random_rotate_daily_and_are_destroyed_within_48_hours(client):
    with time_machine.travel(DAY1, tick=False):
        visit(client)
    with time_machine.travel(DAY1 + timedelta(days=1), tick=False):
        visit(client)
        assert DailySalt.objects.count() == 2
        salts = list(DailySalt.objects.values_list("salt", flat=True))
        assert bytes(salts[0]) != bytes(salts[1]) and len(bytes(salts[0])) == 32
    with time_machine.travel(DAY1 + timedelta(hours=49), tick=False):
        retention_run()
        assert list(DailySalt.objects.values_list("day", flat=True)) == [DAY1.date() + timedelta(days=1)]
        oldest = min(DailySalt.objects.values_list("created_at", flat=True))
        assert DAY1 + timedelta(hours=49) - oldest < timedelta(hours=48)


def test_full_ips_are_truncated_after_seven_days_and_rows_deleted_after_a_year(client):
    with time_machine.travel(DAY1, tick=False):
        visit(client, ip="203.0.113.77")
        visit(client, ip="2001:db8:1234:5678::1")
    with time_machine.travel(DAY1 + timedelta(days=6, hours=23), tick=False):
        retention_run()
    assert set(RequestLog.objects.values_list("ip", flat=True)) == {"203.0.113.77", "2001:db8:1234:5678::1"}
    with time_machine.travel(DAY1 + timedelta(days=7, minutes=1), tick=False):
        run = retention_run()
    assert run.counts["ips_truncated"] == 2
    assert set(RequestLog.objects.values_list("ip", flat=True)) == {"203.0.113.0", "2001:db8:1234::"}
    with time_machine.travel(DAY1 + timedelta(days=364), tick=False):
        retention_run()
    assert RequestLog.objects.count() == 2
    with time_machine.travel(DAY1 + timedelta(days=365, minutes=1), tick=False):
        assert retention_run().counts["analytics.RequestLog#1"] == 2
    assert not RequestLog.objects.exists()


def test_log_rows_are_kept_as_long_as_the_setting_says(client, settings):
    settings.RETENTION_REQUEST_LOG_DAYS = 400
    with time_machine.travel(DAY1, tick=False):
        visit(client, ip="203.0.113.77")
    with time_machine.travel(DAY1 + timedelta(days=399), tick=False):
        assert retention_run().counts["analytics.RequestLog#1"] == 0
    assert RequestLog.objects.count() == 1
    with time_machine.travel(DAY1 + timedelta(days=400, minutes=1), tick=False):
        assert retention_run().counts["analytics.RequestLog#1"] == 1
    assert not RequestLog.objects.exists()


def test_a_shorter_setting_deletes_log_rows_sooner(client, settings):
    settings.RETENTION_REQUEST_LOG_DAYS = 30
    with time_machine.travel(DAY1, tick=False):
        visit(client)
    with time_machine.travel(DAY1 + timedelta(days=30, minutes=1), tick=False):
        retention_run()
    assert not RequestLog.objects.exists()


def test_raw_events_are_aggregated_and_deleted_after_30_days_and_aggregates_after_25_months(client):
    with time_machine.travel(DAY1, tick=False):
        visit(client)
    with time_machine.travel(DAY1 + timedelta(days=31), tick=False):
        retention_run()
    assert not PageviewEvent.objects.exists()
    assert DailyStat.objects.get(day=DAY1.date(), metric="visitors").count == 1
    with time_machine.travel(DAY1 + timedelta(days=31 * 25 + 5), tick=False):
        retention_run()
    assert not DailyStat.objects.filter(day=DAY1.date()).exists()


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "",
    ],
)
def test_bots_make_no_visitors_and_are_counted_apart(client, ua):
    with time_machine.travel(DAY1, tick=False):
        visit(client, ua=ua)
    assert not PageviewEvent.objects.exists()
    assert DailyStat.objects.get(day=DAY1.date(), metric="bots").count == 1


def test_prefetches_are_not_pageviews(client):
    visit(client, HTTP_SEC_PURPOSE="prefetch")
    assert not PageviewEvent.objects.exists()


def test_only_pages_and_file_downloads_count(client):
    visit(client, "/static/css/preceptor.css")
    visit(client, "/healthz")
    visit(client, "/no-such-page/")
    assert not PageviewEvent.objects.exists()
    assert RequestLog.objects.count() == 3


def test_ip_truncation_keeps_the_network_only():
    assert truncate_ip("192.0.2.254") == "192.0.2.0"
    assert truncate_ip("2001:db8:abcd:12::7") == "2001:db8:abcd::"


def test_healthz_says_when_the_retention_jobs_last_ran(client):
    assert client.get("/healthz").json()["retention"]["overdue"] is True
    retention_run()
    assert client.get("/healthz").json()["retention"]["overdue"] is False
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=49)):
        assert client.get("/healthz").json()["retention"]["overdue"] is True
    assert RetentionRun.objects.count() == 1


def test_the_retention_command_prints_its_counts(capsys):
    from django.core.management import call_command

    call_command("run_retention")
    assert "ips_truncated: 0" in capsys.readouterr().out
    assert reverse("site:healthz") == "/healthz"


def test_trial_and_purchase_goals_are_counted_per_day_without_identity(client):
    from preceptor.accounts.services import account_create

    with time_machine.travel(DAY1, tick=False):
        visit(client)
        account_create(email="goal@example.org", full_name="Goal Person", password=None)
    daily_stats_aggregate(day=DAY1.date())
    goal = DailyStat.objects.get(day=DAY1.date(), metric="goal")
    assert (goal.key, goal.count) == ("trial_started", 1)


def test_countries_come_from_the_bundled_database():
    from preceptor.analytics.visitors import country_of

    assert country_of("8.8.8.8") == "US"
    assert country_of("127.0.0.1") == ""
    assert country_of("not-an-ip") == ""


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("learner", 403), ("teacher", 403), ("staff_without_permissions", 403)]
)
def test_only_staff_see_statistics_and_the_request_log(client, request, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/staff/statistics/").status_code == status
    assert client.get("/staff/requests/").status_code == status


@pytest.mark.parametrize(
    "role, statistics, request_log",
    [("Statistics", 200, 403), ("Privacy officer", 403, 200), ("CME office", 403, 403), ("Support", 403, 403)],
)
def test_the_statistics_role_sees_aggregates_only_and_request_log_searches_are_audited(
    client, staff_in, role, statistics, request_log
):
    from preceptor.core.models import AuditEvent

    member = staff_in(role)
    client.force_login(member)
    assert client.get("/staff/statistics/").status_code == statistics
    assert client.get("/staff/statistics/?format=csv").status_code == statistics
    assert client.get("/staff/requests/?q=203.0.113.9").status_code == request_log
    searches = AuditEvent.objects.filter(actor=member, action="analytics.request_log_searched")
    assert [s.data for s in searches] == ([{"query": "203.0.113.9", "rows": 0}] if request_log == 200 else [])


def test_the_statistics_page_sums_daily_visitors_over_a_range_and_exports_csv(client, staff):
    with time_machine.travel(DAY1, tick=False):
        visit(client, "/courses/")
    with time_machine.travel(DAY1 + timedelta(days=1), tick=False):
        visit(client, "/courses/")
        visit(client, "/courses/", ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 Mobile Safari/604.1")
    client.force_login(staff)
    params = {"start": "2026-06-01", "end": "2026-06-02"}
    with time_machine.travel(DAY1 + timedelta(days=2), tick=False):
        page = client.get("/staff/statistics/", params).content.decode()
        csv_text = client.get("/staff/statistics/", {**params, "format": "csv"}).content.decode()
    assert "sum of daily unique visitors" in page
    assert "<strong>3</strong>" in page  # 1 + 2 daily unique visitors
    assert "/courses/" in page and "chart.umd.js" in page
    assert csv_text.splitlines() == [
        "day,unique visitors,pageviews,bot requests",
        "2026-06-01,1,1,0",
        "2026-06-02,2,2,0",
    ]


def test_a_bad_range_is_explained(client, staff):
    client.force_login(staff)
    page = client.get("/staff/statistics/", {"start": "2026-06-05", "end": "2026-06-01"}).content.decode()
    assert "The start must not be after the end." in page


def test_staff_find_requests_by_path_status_and_request_id(client, staff):
    response = visit(client, "/no-such-page/")
    request_id = response["X-Request-Id"]
    client.force_login(staff)
    assert "/no-such-page/" in client.get("/staff/requests/", {"q": "404"}).content.decode()
    assert "/no-such-page/" in client.get("/staff/requests/", {"q": request_id}).content.decode()
    assert "/no-such-page/" not in client.get("/staff/requests/", {"q": "/courses/"}).content.decode()


def test_the_chart_data_is_embedded_as_json(client, staff):
    import json
    import re

    visit(client, "/courses/")
    client.force_login(staff)
    html = client.get("/staff/statistics/").content.decode()
    data = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert len(data["labels"]) == 30 and data["pageviews"][-1] == 1


def test_a_pageview_counts_on_the_sites_day_whatever_the_members_time_zone(client, settings, learner):
    """The member's zone is active while their page renders; the statistics day is the site's (TIME_ZONE)."""
    settings.TIME_ZONE = "America/New_York"
    learner.time_zone = "Pacific/Auckland"  # already the next day there
    learner.save(update_fields=["time_zone"])
    client.force_login(learner)
    with time_machine.travel(datetime(2026, 6, 1, 20, 0, tzinfo=UTC), tick=False):  # 16:00 in New York
        visit(client, "/courses/")
    assert list(PageviewEvent.objects.values_list("day", flat=True)) == [DAY1.date()]


def test_a_referrer_from_the_site_itself_is_not_kept_and_another_is(client):
    visit(client, "/courses/", HTTP_REFERER="http://testserver/")
    visit(client, "/courses/", HTTP_REFERER="https://news.example.org/a?b=c")
    assert sorted(PageviewEvent.objects.values_list("referrer_host", flat=True)) == ["", "news.example.org"]
