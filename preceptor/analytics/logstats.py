"""Statistics from a web-server access log in Combined Log Format (nginx/Apache, plain or .gz), counted exactly
as GoAccess 1.7 counts them with `--log-format=COMBINED` (Debian's package and its /etc/goaccess/goaccess.conf),
so that the two agree on any log:

- a line is read as GoAccess's parser reads it (a fast expression for well-formed lines, and a line-by-line
  replica of its format walker for every other line): a valid IPv4/IPv6 address, a date, a request, a status
  from 100 to 599; anything else is a failed request; blank lines and `#` comments are not counted at all;
- crawlers are included by default, as GoAccess does; with `ignore_crawlers` exactly what
  `goaccess --ignore-crawlers` drops is dropped (useragents.goaccess_is_crawler);
- unique visitors are distinct (date, IP, hash of the decoded user agent) per day, client errors (4xx) not
  counted as a visit; requests are keyed by decoded path, method and protocol; static files by GoAccess's list.

Preceptor's broader bot rule (scripted clients, headless browsers: useragents.classify) never changes those
fields: with `bots` it is counted in its own section, "preceptor_bots". Field names follow GoAccess's JSON
report (see FIELD_MAP)."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gzip
import multiprocessing
import os
import re
import socket
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from preceptor.analytics.useragents import classify, goaccess_is_crawler
from preceptor.analytics.visitors import truncate_ip
from preceptor.core.redaction import redact_url

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = {m.encode(): f"{i:02d}" for i, m in enumerate(MONTH_NAMES, 1)}
# GoAccess's request methods (gstorage.c, in its order: a request line is matched on their prefix) and protocols.
METHODS = tuple(
    m.encode()
    for m in (
        "OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT", "PATCH", "PROPFIND", "PROPPATCH",
        "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "VERSION-CONTROL", "REPORT", "CHECKOUT", "CHECKIN",
        "UNCHECKOUT", "MKWORKSPACE", "UPDATE", "LABEL", "MERGE", "BASELINE-CONTROL", "MKACTIVITY", "ORDERPATCH",
    )
)  # fmt: skip
PROTOCOLS = (b"HTTP/1.0", b"HTTP/1.1", b"HTTP/2", b"HTTP/3")
METHOD_SET = frozenset(METHODS)
FAST_PROTOCOLS = {b"HTTP/1.0": "HTTP/1.0", b"HTTP/1.1": "HTTP/1.1", b"HTTP/2": "HTTP/2", b"HTTP/2.0": "HTTP/2"}
FAST_PROTOCOLS |= {b"HTTP/3": "HTTP/3", b"HTTP/3.0": "HTTP/3"}
# Well-formed lines. What this expression takes loosely (an address, a month, a method, a protocol, a time of day,
# a path or user agent with a quote, backslash or NUL byte) is checked after it; a line that fails a check goes
# through _parse_slowly, so every line ends up read as GoAccess reads it. Loose classes keep it fast.
FAST_LINE = re.compile(
    rb'(\S+) [^\[]*\[(\d\d/\w\w\w/\d{4}):(\d\d:\d\d:\d\d) [^\]]*\] "([A-Z]+) (\S+) (HTTP/[0-9.]+)" (\d{3}) '
    rb'(?:\d+|-) "[^"]*" "([^"]*)"'
)
# A backslash escapes the next byte in GoAccess's tokens: it matters only before a delimiter or a backslash.
ESCAPES = re.compile(rb'\\[ ":\]\\]')
IPV4 = re.compile(rb"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")
LINE_BUFFER = 4096  # GoAccess (Debian's build) reads with fgets(line, 4096): longer lines are read in pieces
PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")
STATIC = (
    b".css",
    b".js",
    b".jpg",
    b".png",
    b".gif",
    b".ico",
    b".jpeg",
    b".pdf",
    b".csv",
    b".mpeg",
    b".mpg",
    b".swf",
    b".woff",
    b".woff2",
    b".xls",
    b".xlsx",
    b".doc",
    b".docx",
    b".ppt",
    b".pptx",
    b".txt",
    b".zip",
    b".ogg",
    b".mp3",
    b".mp4",
    b".exe",
    b".iso",
    b".gz",
    b".rar",
    b".svg",
    b".bmp",
    b".tar",
    b".tgz",
    b".tiff",
    b".tif",
    b".ttf",
    b".flv",
    b".dmg",
    b".xz",
    b".zst",
)  # Debian's /etc/goaccess/goaccess.conf static-file list (GoAccess 1.7)
# The codes GoAccess 1.7 names (util.c): a status is shown as the first of them that it contains, else "Unknown".
KNOWN_CODES = (
    "100", "101", "200", "201", "202", "203", "204", "205", "206", "207", "208", "300", "301", "302", "303", "304",
    "305", "307", "308", "400", "401", "402", "403", "404", "405", "406", "407", "408", "409", "410", "411", "412",
    "413", "414", "415", "416", "417", "418", "421", "422", "423", "424", "426", "428", "429", "431", "444", "451",
    "494", "495", "496", "497", "499", "500", "501", "502", "503", "504", "505", "520", "521", "522", "523", "524",
)  # fmt: skip
STATUS_CLASS = {
    "1": "1xx Informational",
    "2": "2xx Success",
    "3": "3xx Redirection",
    "4": "4xx Client Errors",
    "5": "5xx Server Errors",
}
# Our JSON → GoAccess JSON, counted the same: general.{total_requests, valid_requests, failed_requests,
# unique_visitors}; visitors.data[].{data (YYYYMMDD), hits.count, visitors.count}; requests, static_requests,
# not_found .data[].{data, method, protocol, hits.count}; status_codes.data[].{data (class), hits.count,
# items[].{data (code), hits.count}}. Ours only: general.crawler_requests (GoAccess's crawlers, counted in
# valid_requests unless ignored), "preceptor_bots" (Preceptor's rule), "browsers"/"os" (Preceptor's names,
# not GoAccess's), "geolocation" (our country lookup).
FIELD_MAP = {
    "total_requests": "general.total_requests",
    "valid_requests": "general.valid_requests",
    "failed_requests": "general.failed_requests",
    "unique_visitors": "general.unique_visitors",
    "visitors": "visitors.data",
    "requests": "requests.data",
    "static_requests": "static_requests.data",
    "not_found": "not_found.data",
    "status_codes": "status_codes.data",
}

File = tuple[str, str, str]  # path, method, protocol ("---" when GoAccess has none)


@dataclass
class Totals:
    total: int = 0
    failed: int = 0
    crawlers: int = 0
    valid: int = 0
    visitors: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    day_hits: Counter = field(default_factory=Counter)
    requests: Counter = field(default_factory=Counter)
    static: Counter = field(default_factory=Counter)
    not_found: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    browsers: Counter = field(default_factory=Counter)
    systems: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    bots_counted: bool = False
    bot_hits: Counter = field(default_factory=Counter)
    bot_visitors: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    bot_agents: Counter = field(default_factory=Counter)


def open_log(path: str) -> Iterator[bytes]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:  # type: ignore[operator]  # gzip.open or open, both callables
        yield from handle


def _decode_url(value: bytes) -> bytes:
    """GoAccess's decode_url: %XX decoded once, CR/LF removed, blanks trimmed, cut at a NUL byte (C string)."""
    if b"%" in value:
        value = PERCENT.sub(lambda m: bytes((int(m.group(1), 16),)), value).split(b"\0", 1)[0]
    if b"\r" in value or b"\n" in value:
        value = value.replace(b"\r", b"").replace(b"\n", b"")
    return value.strip()


def _djb2(value: bytes) -> int:
    hashed = 5381
    for byte in value:
        hashed = (hashed * 33 + byte) & 0xFFFFFFFF
    return hashed


def _valid_address(address: bytes) -> bool:
    if IPV4.fullmatch(address):  # what inet_pton(AF_INET) takes: four decimals 0-255, no leading zero
        return True
    text = address.decode("latin-1")
    for family in (socket.AF_INET, socket.AF_INET6):
        with contextlib.suppress(OSError, ValueError):
            socket.inet_pton(family, text)
            return True
    return False


def _request(line: bytes) -> tuple[bytes, str, str]:
    """GoAccess's parse_req: (decoded request, method, protocol); "-" when a method has no protocol."""
    upper = line[:16].upper()
    method = next((m for m in METHODS if upper.startswith(m)), None)
    if method is None:
        request, name, protocol = line, "---", "---"
    else:
        rest = line[len(method) :]
        space = rest.rfind(b" ")
        tail = rest[space + 1 : space + 9].upper() if space != -1 else b""
        proto = next((p for p in PROTOCOLS if tail.startswith(p)), None)
        if proto is None or space <= 0:
            return b"-", "---", "---"
        request, name, protocol = rest[1 : space + 1], method.decode(), proto.decode()
    decoded = _decode_url(request) if request else b""
    return (decoded or request), name, protocol


class _Tm(ctypes.Structure):
    _fields_ = (
        ("sec", ctypes.c_int),
        ("min", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("mday", ctypes.c_int),
        ("mon", ctypes.c_int),
        ("year", ctypes.c_int),
        ("wday", ctypes.c_int),
        ("yday", ctypes.c_int),
        ("isdst", ctypes.c_int),
        ("gmtoff", ctypes.c_long),
        ("zone", ctypes.c_char_p),
    )


_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.strptime.restype = ctypes.c_char_p
_libc.strptime.argtypes = (ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_Tm))


def _strptime(value: bytes, fmt: bytes) -> _Tm | None:
    """The C library's strptime, as GoAccess calls it: the whole token must be consumed."""
    tm = _Tm()
    rest = _libc.strptime(value, fmt, ctypes.byref(tm))
    return tm if rest == b"" and value else None


def _token(line: bytes, pos: int, end: int) -> tuple[bytes, int] | None:
    """GoAccess's parse_string(): up to the first unescaped `end` byte (a backslash escapes the next byte),
    trimmed; the position moves to that byte. None when `end` does not occur."""
    stop = line.find(bytes((end,)), pos)
    if stop == -1:
        return None
    if line.find(b"\\", pos, stop) == -1:
        return line[pos:stop].strip(), stop
    i, size = pos, len(line)
    while True:
        char = line[i] if i < size else 0
        if char == end or char == 0:
            return line[pos:i].strip(), i
        if char == 0x5C:
            i += 1
            if i >= size:
                return None
        i += 1


CombinedLine = tuple[bytes, str, bytes, str, str, bytes | None, bytes]


def _parse_slowly(raw: bytes) -> CombinedLine | None:
    """A replica of GoAccess 1.7's parse_format() walking `%h %^[%d:%t %^] "%r" %s %b "%R" "%u"`, for the lines
    FAST_LINE does not take: (address, day, request, method, protocol, status or None, raw user agent)."""
    line = raw.split(b"\0", 1)[0]
    fmt = b'%h %^[%d:%t %^] "%r" %s %b "%R" "%u"'
    address = day = request = status = agent = None
    method = protocol = "---"
    pos, percent, size = 0, False, len(line)
    for k, spec in enumerate(fmt):
        if spec == 0x25:  # %
            percent = True
            continue
        char = line[pos] if pos < size else 0
        if char == 0:
            return None
        if char == 0x0A:
            break
        if not percent:
            pos += 1
            continue
        percent = False
        end = fmt[k + 1] if k + 1 < len(fmt) else 0
        if spec == 0x5E:  # ^: skip to the next delimiter, if any
            found = line.find(bytes((end,)), pos)
            pos = found if found != -1 else pos
            continue
        if spec == 0x68 and char == 0x5B:  # h, [IPv6]
            pos += 1
            if pos < size:
                end = 0x5D
        parsed = _token(line, pos, end)
        if spec == 0x68:
            if parsed is None or not _valid_address(parsed[0]):
                return None
            address, pos = parsed
        elif spec in (0x64, 0x74):  # d, t
            if parsed is None:
                return None
            tm = _strptime(parsed[0], b"%d/%b/%Y" if spec == 0x64 else b"%H:%M:%S")
            if tm is None:
                return None
            if spec == 0x64:
                day = f"{tm.year + 1900}{tm.mon + 1:02d}{tm.mday:02d}"
            pos = parsed[1]
        elif spec == 0x72:  # r
            if parsed is None:
                return None
            (request, method, protocol), pos = _request(parsed[0]), parsed[1]
        elif spec == 0x73:  # s
            if parsed is None or not re.fullmatch(rb"[+-]?\d+", parsed[0]) or not 100 <= int(parsed[0]) <= 599:
                return None
            status, pos = parsed
        elif spec == 0x62:  # b
            if parsed is None:
                return None
            pos = parsed[1]
        elif parsed is not None:  # R, u
            if spec == 0x75:
                agent = parsed[0]
            pos = parsed[1]
    if address is None or day is None or request is None:
        return None
    return address, day, request, method, protocol, status, agent if agent is not None else b""


def status_name(status: str) -> str:
    """The status-code item GoAccess counts a status under (util.c verify_status_code)."""
    return next((code for code in KNOWN_CODES if code in status), "Unknown")


def _is_static(request: bytes) -> bool:
    """GoAccess's verify_static_content: the request ends with a listed extension (any case) and is longer."""
    lowered = request[-6:].lower()
    return lowered.endswith(STATIC) and any(lowered.endswith(e) and len(request) > len(e) for e in STATIC)


def _reads(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The log as GoAccess reads it: a line longer than fgets's buffer becomes several lines."""
    size = LINE_BUFFER - 1
    for raw in lines:
        if len(raw) <= size:
            yield raw
        else:
            yield from (raw[i : i + size] for i in range(0, len(raw), size))


def _file(path: bytes, verb: bytes, proto: bytes) -> tuple[File, bool] | None:
    """A fast-path request (path, method, protocol) as GoAccess keys it, and whether it is static; None when
    only the slow path can read it."""
    if verb not in METHOD_SET or proto not in FAST_PROTOCOLS or b'"' in path:
        return None
    request = (_decode_url(path) if b"%" in path else path) or path
    return (request.decode("utf-8", "replace"), verb.decode(), FAST_PROTOCOLS[proto]), _is_static(request)


def _day(date: bytes) -> str | None:
    """dd/Mon/yyyy as YYYYMMDD, when it is plainly valid (else the slow path asks strptime)."""
    dd, mon, yyyy = date[:2], date[3:6], date[7:]
    if mon not in MONTHS or not b"01" <= dd <= b"31":
        return None
    return yyyy.decode() + MONTHS[mon] + dd.decode()


def _agent_info(agent: bytes, bots: bool) -> tuple[int, bool, bool, str, str]:
    """(hash as GoAccess keys visitors, GoAccess crawler, Preceptor bot, browser, os) of a raw user agent."""
    token = agent.strip()
    stored = _decode_url(token) if token else b"-"
    text = "" if stored == b"-" else stored.decode("utf-8", "replace")  # "-": the server got no user agent
    browser, _version, system, _device, is_bot = classify(text) if bots else ("", "", "", "", False)
    return _djb2(stored), goaccess_is_crawler(stored), is_bot, browser, system


def count(
    lines: Iterable[bytes],
    *,
    anonymize_ip: bool = False,
    countries: bool = False,
    ignore_crawlers: bool = False,
    bots: bool = False,
    progress: TextIO | None = None,
) -> Totals:
    totals = Totals(bots_counted=bots)
    match, ipv4, escapes = FAST_LINE.match, IPV4.fullmatch, ESCAPES.search
    agents: dict[bytes, tuple[int, bool, bool, str, str]] = {}
    addresses: dict[bytes, bool] = {}
    files: dict[tuple[bytes, bytes, bytes], tuple[File, bool] | None] = {}
    dates: dict[bytes, str | None] = {}
    codes: dict[bytes, str] = {}
    day_hits, visitors, statuses = totals.day_hits, totals.visitors, totals.statuses
    not_found, static, requests = totals.not_found, totals.static, totals.requests
    total = failed = crawlers = valid = 0
    for number, raw in enumerate(_reads(lines), 1):
        if not raw or raw[0] in b"#\n\0":
            continue  # GoAccess skips blank lines and comments without counting them
        total += 1
        if progress is not None and number % 100_000 == 0:
            progress.write(f"\r{number:,} lines")
            progress.flush()
        found = match(raw)
        known = None
        if found is not None:
            ip, date, clock, verb, path, proto, code, agent = found.groups()
            ok = ipv4(ip) is not None
            if not ok:
                cached = addresses.get(ip)
                ok = addresses[ip] = _valid_address(ip) if cached is None else cached
            key = (path, verb, proto)
            if key in files:
                known = files[key]
            else:
                known = files[key] = _file(path, verb, proto)
            if date in dates:
                fast_day = dates[date]
            else:
                fast_day = dates[date] = _day(date)
            if (
                fast_day is None
                or not ok
                or clock[:2] > b"23"
                or clock[3] > 0x35
                or clock[6] > 0x35
                or b"\0" in raw
                or (b"\\" in raw and escapes(raw))
            ):
                known = None
            else:
                day = fast_day
        if known is not None:
            status = codes.get(code)
            if status is None:
                status = codes[code] = code.decode() if 100 <= int(code) <= 599 else ""
            if not status:
                failed += 1
                continue
            file, is_static = known
        else:
            parsed = _parse_slowly(raw)
            if parsed is None:
                failed += 1
                continue
            ip, day, request, method, protocol, raw_status, agent = parsed
            file, is_static = (request.decode("utf-8", "replace"), method, protocol), _is_static(request)
            status = raw_status.decode() if raw_status is not None else ""
        info = agents.get(agent)
        if info is None:
            info = agents[agent] = _agent_info(agent, bots)
        agent_hash, crawler, bot, browser, system = info
        if crawler:
            crawlers += 1
            if ignore_crawlers:
                continue
        valid += 1
        if anonymize_ip or countries:
            address = ip.decode("latin-1")
            if anonymize_ip:
                with contextlib.suppress(ValueError):
                    address = truncate_ip(address)
            visitor = hash((address, agent_hash))
        else:
            visitor = hash((ip, agent_hash))
        day_hits[day] += 1
        client_error = status[:1] == "4"  # as GoAccess without --4xx-to-unique-count: no visit
        if not client_error:
            visitors[day].add(visitor)
        if status:
            statuses[status] += 1
        if status[:3] == "404":
            not_found[file] += 1
        elif is_static:
            static[file] += 1
        else:
            requests[file] += 1
        if bots:
            totals.browsers[browser or "Unknown"] += 1
            totals.systems[system or "Unknown"] += 1
            if bot:
                totals.bot_hits[day] += 1
                totals.bot_agents[agent.decode("utf-8", "replace")] += 1
                if not client_error:
                    totals.bot_visitors[day].add(visitor)
        if countries:
            from preceptor.analytics.visitors import country_of

            totals.countries[country_of(address) or "unknown"] += 1
    totals.total, totals.failed, totals.crawlers, totals.valid = total, failed, crawlers, valid
    if progress is not None:
        progress.write(f"\r{total:,} lines\n")
    return totals


def _lines_between(path: str, start: int, end: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        position = start
        for raw in handle:
            if position >= end:
                break
            position += len(raw)
            yield raw


def _count_part(path: str, start: int, end: int, options: dict[str, Any]) -> Totals:
    return count(_lines_between(path, start, end), **options)


def merge(parts: list[Totals]) -> Totals:
    """One Totals from the counts of consecutive pieces of a log (a visitor seen in two pieces is one)."""
    merged = parts[0]
    for part in parts[1:]:
        merged.total += part.total
        merged.failed += part.failed
        merged.crawlers += part.crawlers
        merged.valid += part.valid
        for mine, theirs in ((merged.visitors, part.visitors), (merged.bot_visitors, part.bot_visitors)):
            for day, seen in theirs.items():
                mine[day] |= seen
        for name in ("day_hits", "requests", "static", "not_found", "statuses", "browsers", "systems", "countries"):
            getattr(merged, name).update(getattr(part, name))
        merged.bot_hits.update(part.bot_hits)
        merged.bot_agents.update(part.bot_agents)
    return merged


def count_file(path: str, *, workers: int = 2, min_bytes: int = 16 << 20, **options: Any) -> Totals:
    """count() over a log file; a plain file of at least min_bytes is cut at line ends into `workers` pieces
    counted in parallel processes (L1 may use both cores), then merged."""
    size = os.path.getsize(path)
    if path.endswith(".gz") or workers < 2 or size < min_bytes:
        return count(open_log(path), **options)
    cuts = [0]
    with open(path, "rb") as handle:
        for k in range(1, workers):
            handle.seek(max(size * k // workers, cuts[-1]))
            handle.readline()
            cuts.append(handle.tell())
    cuts.append(size)
    options.pop("progress", None)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        counting = pool.starmap_async(_count_part, [(path, cuts[i], cuts[i + 1], options) for i in range(workers)])
        # Meanwhile this process, otherwise idle, loads the URLconf that the report's redaction reads (every view
        # module: a third of a second here), instead of loading it after the count (decision 0040).
        redact_url("/")
        parts = counting.get()
    return merge(parts)


def report(totals: Totals, *, top: int = 20) -> dict[str, Any]:
    def panel(counter: Counter) -> list[dict[str, Any]]:
        return [{"data": key, "hits": {"count": n}} for key, n in counter.most_common(top)]

    def paths(counter: Counter) -> list[dict[str, Any]]:
        """Paths with their secrets redacted (core/redaction.py), those that differed only there counted as one."""
        merged: Counter = Counter()
        for (path, method, protocol), n in counter.items():
            merged[(redact_url(path), method, protocol)] += n
        ranked = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:top]
        return [
            {"data": path, "method": method, "protocol": protocol, "hits": {"count": n}}
            for (path, method, protocol), n in ranked
        ]

    classes: dict[str, dict[str, Any]] = {}
    named: Counter = Counter()
    for code, n in totals.statuses.items():
        named[status_name(code)] += n
    for code, n in sorted(named.items()):
        group = STATUS_CLASS.get(code[0], "Unknown")
        entry = classes.setdefault(group, {"data": group, "hits": {"count": 0}, "items": []})
        entry["hits"]["count"] += n
        entry["items"].append({"data": code, "hits": {"count": n}})
    data: dict[str, Any] = {
        "general": {
            "total_requests": totals.total,
            "valid_requests": totals.valid,
            "failed_requests": totals.failed,
            "crawler_requests": totals.crawlers,
            "unique_visitors": sum(len(v) for v in totals.visitors.values()),
        },
        "visitors": {
            "data": [
                {"data": day, "hits": {"count": totals.day_hits[day]}, "visitors": {"count": len(totals.visitors[day])}}
                for day in sorted(totals.day_hits, reverse=True)
            ]
        },
        "requests": {"data": paths(totals.requests)},
        "static_requests": {"data": paths(totals.static)},
        "not_found": {"data": paths(totals.not_found)},
        "status_codes": {"data": sorted(classes.values(), key=lambda e: -e["hits"]["count"])},
        "geolocation": {"data": panel(totals.countries)},
    }
    if totals.bots_counted:
        data["preceptor_bots"] = {
            "requests": sum(totals.bot_hits.values()),
            "visitors": sum(len(v) for v in totals.bot_visitors.values()),
            "data": [
                {
                    "data": day,
                    "hits": {"count": totals.bot_hits[day]},
                    "visitors": {"count": len(totals.bot_visitors[day])},
                }
                for day in sorted(totals.bot_hits, reverse=True)
            ],
            "agents": panel(totals.bot_agents),
        }
        data["browsers"] = {"data": panel(totals.browsers)}
        data["os"] = {"data": panel(totals.systems)}
    return data


def text_report(data: dict[str, Any]) -> str:
    general = data["general"]
    lines = [
        f"Requests: {general['total_requests']:,} (valid {general['valid_requests']:,}, malformed "
        f"{general['failed_requests']:,}; crawlers as GoAccess knows them {general['crawler_requests']:,})",
        f"Unique visitors (sum of daily, IP + date + user agent): {general['unique_visitors']:,}",
        "",
        "Visitors per day:",
        *[
            f"  {v['data']}  {v['visitors']['count']:>8,} visitors  {v['hits']['count']:>9,} hits"
            for v in data["visitors"]["data"]
        ],
        "",
        "Status codes:",
        *[f"  {s['data']:<20} {s['hits']['count']:>9,}" for s in data["status_codes"]["data"]],
    ]
    for title, key in (
        ("Top requested files", "requests"),
        ("Static files", "static_requests"),
        ("Not found", "not_found"),
    ):
        if data[key]["data"]:
            lines += [
                "",
                f"{title}:",
                *[f"  {r['hits']['count']:>9,}  {r['method']:<7} {r['data']}" for r in data[key]["data"]],
            ]
    bots = data.get("preceptor_bots")
    if bots is not None:
        lines += [
            "",
            f"Bots by Preceptor's rule (scripted clients, headless browsers, crawlers; included above): "
            f"{bots['requests']:,} requests, {bots['visitors']:,} visitors",
            *[
                f"  {v['data']}  {v['visitors']['count']:>8,} visitors  {v['hits']['count']:>9,} hits"
                for v in bots["data"]
            ],
        ]
    for title, rows in (
        ("Bot user agents", (bots or {}).get("agents", [])),
        ("Browsers", data.get("browsers", {}).get("data", [])),
        ("Operating systems", data.get("os", {}).get("data", [])),
    ):
        if rows:
            lines += ["", f"{title}:", *[f"  {r['hits']['count']:>9,}  {r['data']}" for r in rows]]
    if data["geolocation"]["data"]:
        lines += ["", "Countries:", *[f"  {r['hits']['count']:>9,}  {r['data']}" for r in data["geolocation"]["data"]]]
    return "\n".join(lines) + "\n"


def main_progress() -> TextIO | None:
    return sys.stderr if sys.stderr.isatty() else None
