"""logstats agrees exactly with GoAccess (Debian package; .ci/run installs it) on generated logs: the site's own
and one where scripted clients, headless browsers and crawlers make most of the traffic, with every oddity of
real logs; in GoAccess's default mode (crawlers counted) and with --ignore-crawlers."""

import gzip
import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command

from preceptor.analytics.fixtures import lines, scripted_lines
from preceptor.analytics.logstats import count, count_file, open_log, report
from preceptor.analytics.useragents import goaccess_is_crawler


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "access.log"
    path.write_text("\n".join(lines(5000)) + "\n")
    return path


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    site, scripted = folder / "site.log", folder / "scripted.log"
    site.write_text("\n".join(lines(5000)) + "\n")
    # latin-1: one user agent carries a byte that is not UTF-8, as real logs do
    scripted.write_text("\n".join(scripted_lines(30000)) + "\n", encoding="latin-1")
    return {"site": site, "scripted": scripted}


def goaccess(path, *, ignore_crawlers: bool = True) -> dict:
    if shutil.which("goaccess") is None:
        if os.environ.get("CI"):
            pytest.fail("goaccess is missing: apt-get install -y goaccess (.ci/run does this)")
        pytest.skip("goaccess is not installed here (.ci/run installs it)")
    flag = ["--ignore-crawlers"] if ignore_crawlers else []
    result = subprocess.run(
        ["goaccess", str(path), "--log-format=COMBINED", *flag, "--no-progress", "-o", "json"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.decode("utf-8", "replace"))


def per_status(data):
    return {
        item["data"][:3]: item["hits"]["count"] for group in data["status_codes"]["data"] for item in group["items"]
    }


def days(data):
    return [(d["data"], d["hits"]["count"], d["visitors"]["count"]) for d in data["visitors"]["data"]]


def files(data, panel):
    return {(r["data"], r["method"], r["protocol"]): r["hits"]["count"] for r in data[panel]["data"]}


@pytest.mark.parametrize("ignore_crawlers", [False, True], ids=["default", "ignore-crawlers"])
@pytest.mark.parametrize("log", ["site", "scripted"])
def test_logstats_agrees_with_goaccess_on_hits_visitors_per_day_statuses_and_files(logs, log, ignore_crawlers):
    theirs = goaccess(logs[log], ignore_crawlers=ignore_crawlers)
    ours = report(count(open_log(str(logs[log])), ignore_crawlers=ignore_crawlers), top=10**6)

    for name in ("total_requests", "valid_requests", "failed_requests", "unique_visitors"):
        assert ours["general"][name] == theirs["general"][name], name
    assert days(ours) == days(theirs)
    assert per_status(ours) == per_status(theirs)
    for panel in ("requests", "static_requests", "not_found"):
        listed = files(theirs, panel)  # GoAccess lists a few hundred per panel: each must be counted the same
        counted = files(ours, panel)
        assert listed and {key: counted.get(key) for key in listed} == listed, panel
        top = sorted(listed.items(), key=lambda r: (-r[1], r[0]))[:20]
        cutoff = top[-1][1]  # ties at the 20th place may be ordered differently: compare above the tie
        assert [(k, n) for k, n in top if n > cutoff] == [
            ((r["data"], r["method"], r["protocol"]), r["hits"]["count"])
            for r in ours[panel]["data"]
            if r["hits"]["count"] > cutoff
        ]


def test_the_scripted_log_is_mostly_bots_that_goaccess_counts_as_visitors(logs):
    default = report(count(open_log(str(logs["scripted"])), bots=True))
    ignored = report(count(open_log(str(logs["scripted"])), ignore_crawlers=True))
    bots = default["preceptor_bots"]
    assert bots["requests"] > 0.5 * default["general"]["valid_requests"]  # a large scripted share
    # GoAccess counts its crawlers by default and drops only those with --ignore-crawlers: scripted clients
    # (python-requests, curl, HeadlessChrome, ...) stay in either mode.
    crawlers = default["general"]["crawler_requests"]
    assert 0 < crawlers < bots["requests"]
    assert ignored["general"]["valid_requests"] == default["general"]["valid_requests"] - crawlers
    assert ignored["general"]["valid_requests"] > default["general"]["valid_requests"] - bots["requests"]


def test_preceptors_bot_rule_is_its_own_section_and_changes_no_goaccess_field(logs):
    plain = report(count(open_log(str(logs["scripted"]))))
    with_bots = report(count(open_log(str(logs["scripted"])), bots=True))
    assert "preceptor_bots" not in plain and "browsers" not in plain
    assert {key: with_bots[key] for key in plain} == plain
    section = with_bots["preceptor_bots"]
    assert sum(d["hits"]["count"] for d in section["data"]) == section["requests"]
    assert all(
        bot["hits"]["count"] <= day["hits"]["count"] and bot["visitors"]["count"] <= day["visitors"]["count"]
        for bot, day in zip(section["data"], plain["visitors"]["data"], strict=True)
    )
    agents = [row["data"] for row in section["agents"]]
    assert any(a.startswith("python-requests/") for a in agents) and any("HeadlessChrome" in a for a in agents)


@pytest.mark.parametrize(
    ("agent", "crawler"),
    [
        (b"python-requests/2.31.0", False),
        (b"curl/8.5.0", False),
        (b"Go-http-client/1.1", False),
        (b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36", False),
        (b"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        (b"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        (b"Python-urllib/3.11", True),
        (b"Java/17.0.2", True),
        (b"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", False),
        (b" (+http://x.example)", False),
        (b"+bot; http://x.example", True),
        (b"-", False),
    ],
)
def test_crawlers_are_what_goaccess_1_7_calls_crawlers(agent, crawler):
    assert goaccess_is_crawler(agent) is crawler


@pytest.mark.parametrize("workers", [2, 3])
def test_a_log_counted_in_pieces_in_parallel_counts_as_one(logs, workers):
    path = str(logs["scripted"])
    whole = report(count(open_log(path), bots=True), top=10**6)
    pieces = report(count_file(path, workers=workers, min_bytes=0, bots=True), top=10**6)
    assert pieces == whole


def test_the_command_takes_goaccess_flags_and_the_bots_section(log_file, capsys):
    call_command("logstats", str(log_file), "--format", "json", "--ignore-crawlers", "--bots")
    data = json.loads(capsys.readouterr().out)
    call_command("logstats", str(log_file), "--format", "json")
    default = json.loads(capsys.readouterr().out)
    crawlers = default["general"]["crawler_requests"]
    assert crawlers > 0 and data["general"]["valid_requests"] == default["general"]["valid_requests"] - crawlers
    assert data["preceptor_bots"]["requests"] == 0  # the site log's only bot is Googlebot, ignored here
    call_command("logstats", str(log_file), "--bots")
    assert "Bots by Preceptor's rule" in capsys.readouterr().out


def test_gzip_logs_malformed_lines_and_the_text_report(tmp_path, capsys):
    path = tmp_path / "access.log.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join(lines(2000)) + "\nnot a line at all\n")
    call_command("logstats", str(path), "--format", "text")
    out = capsys.readouterr().out
    assert "malformed 3" in out and "Unique visitors" in out and "Top requested files" in out


def test_anonymized_ips_count_visitors_on_networks(log_file):
    plain = report(count(open_log(str(log_file))))["general"]["unique_visitors"]
    anonymized = report(count(open_log(str(log_file)), anonymize_ip=True))["general"]["unique_visitors"]
    assert anonymized < plain


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("logstats", str(tmp_path / "nope.log"))


def test_secret_links_in_a_server_log_are_reported_redacted_and_counted_together(tmp_path):
    line = '203.0.113.{n} - - [01/Jun/2026:10:00:0{n} +0000] "GET {path} HTTP/1.1" {status} 512 "-" "Firefox/128.0"'
    path = tmp_path / "access.log"
    path.write_text(
        "\n".join(
            [
                line.format(n=1, path="/accounts/password/reset/key/4-c3x2ab-9f8e7d6c5b4a/", status=302),
                line.format(n=2, path="/accounts/password/reset/key/4-d4y3bc-0a9f8e7d6c5b/", status=302),
                line.format(n=3, path="/mail/o/MTA:secret-open-token.gif?sig=abc123", status=404),
            ]
        )
        + "\n"
    )
    result = report(count(open_log(str(path))))
    get = {"method": "GET", "protocol": "HTTP/1.1"}
    assert result["requests"]["data"] == [
        {"data": "/accounts/password/reset/key/4-[redacted]/", **get, "hits": {"count": 2}}
    ]
    assert result["not_found"]["data"] == [
        {"data": "/mail/o/[redacted].gif?sig=[redacted]", **get, "hits": {"count": 1}}
    ]
