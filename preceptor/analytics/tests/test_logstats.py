"""logstats agrees exactly with GoAccess (Debian package; .ci/run installs it) on a generated log."""

import gzip
import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command

from preceptor.analytics.fixtures import lines
from preceptor.analytics.logstats import count, open_log, report


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "access.log"
    path.write_text("\n".join(lines(5000)) + "\n")
    return path


def goaccess(path) -> dict:
    if shutil.which("goaccess") is None:
        if os.environ.get("CI"):
            pytest.fail("goaccess is missing: apt-get install -y goaccess (.ci/run does this)")
        pytest.skip("goaccess is not installed here (.ci/run installs it)")
    result = subprocess.run(
        ["goaccess", str(path), "--log-format=COMBINED", "--ignore-crawlers", "--no-progress", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout)


def test_logstats_agrees_with_goaccess_on_hits_statuses_daily_visitors_and_top_files(log_file):
    theirs = goaccess(log_file)
    ours = report(count(open_log(str(log_file))))

    assert ours["general"]["valid_requests"] == theirs["general"]["valid_requests"]
    assert ours["general"]["failed_requests"] == theirs["general"]["failed_requests"]
    assert ours["general"]["unique_visitors"] == theirs["general"]["unique_visitors"]

    def per_status(data):
        return {
            item["data"][:3]: item["hits"]["count"] for group in data["status_codes"]["data"] for item in group["items"]
        }

    assert per_status(ours) == per_status(theirs)

    def days(data):
        return [(d["data"], d["hits"]["count"], d["visitors"]["count"]) for d in data["visitors"]["data"]]

    assert days(ours) == days(theirs)

    def top(data):
        rows = [(r["data"], r["hits"]["count"]) for r in data["requests"]["data"]]
        return sorted(rows, key=lambda r: (-r[1], r[0]))[:20]

    theirs_top = top(theirs)
    cutoff = theirs_top[-1][1]  # ties at the 20th place may be ordered differently: compare above the tie
    assert [r for r in top(ours) if r[1] > cutoff] == [r for r in theirs_top if r[1] > cutoff]
    assert ours["general"]["crawler_requests"] > 0


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
    assert result["requests"]["data"] == [{"data": "/accounts/password/reset/key/4-[redacted]/", "hits": {"count": 2}}]
    assert result["not_found"]["data"] == [{"data": "/mail/o/[redacted].gif?sig=[redacted]", "hits": {"count": 1}}]
