"""The erasure journal: every erasure, kept outside the database, so that restoring an older backup cannot undo one.

A restored backup brings back the members erased after it was taken, and with them the database's own erasure log
loses the rows that would name them. So each erasure is also appended, once committed, to a file
(``settings.ERASURE_JOURNAL``) that the restore never touches, and ``manage.py replay_erasures`` erases again every
account of the restored database the journal names (decision 0034).

A line holds nothing in clear: when the erasure was made, a keyed hash of the account (its id and when it joined,
so that a new account given a restored database's reused id is never taken for it) and the keyed hash of the
address it had (``core.hashing.address_hash``, as the erasure log and the suppression list hold it). Without
``SECRET_KEY`` (or a key in ``SECRET_KEY_FALLBACKS``) the lines name no one; with it they only answer "was this
account erased, and when". Writers append under an exclusive lock on a lock file beside the journal; the daily
retention run rewrites it without the lines past their period (``journal_prune``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt of the account hash; changing it would orphan every line written before.
KEY_SALT = "preceptor.privacy.erasure_journal"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One erasure: when, the keyed hash of the account and the keyed hash of its address at the time."""

    at: datetime
    account: str
    address: str
    # The member's answers to the choices apps offer on the deletion form (``DataRequest.options``: values such as
    # "delete", never text they wrote), so that the replay erases as they chose.
    options: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        record = {"v": VERSION, "at": self.at.astimezone(UTC).isoformat(), "account": self.account}
        record |= {"address": self.address, "options": self.options}
        return json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n"

    @classmethod
    def parse(cls, line: str) -> Entry:
        """Raises ``ValueError`` for a line that is not one of ours (a line torn by a crash while it was written)."""
        try:
            record = json.loads(line)
            at, account, address = datetime.fromisoformat(record["at"]), record["account"], record["address"]
            options = record.get("options") or {}
        except (TypeError, KeyError, ValueError) as exc:  # JSONDecodeError is a ValueError
            raise ValueError("not an erasure journal line") from exc
        if at.tzinfo is None or not (isinstance(account, str) and isinstance(address, str)):
            raise ValueError("not an erasure journal line")
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise ValueError("not an erasure journal line")
        return cls(at=at, account=account, address=address, options={str(k): v for k, v in options.items()})


def _account_key(user: Any) -> str:
    """What identifies an account across a restore: its id, and when it joined (a database restored from an older
    backup hands the ids of accounts made after the backup out again, to other people)."""
    return f"{user.pk}:{user.date_joined.astimezone(UTC).isoformat()}"


def account_hash(user: Any, *, secret: str | None = None) -> str:
    """The keyed hash of ``user``'s account (under ``secret``, default ``SECRET_KEY``)."""
    return salted_hmac(KEY_SALT, _account_key(user), secret=secret, algorithm="sha256").hexdigest()


def account_hashes(user: Any) -> list[str]:
    """The hashes ``user``'s account may be journalled under: the current key's, then each fallback key's."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [account_hash(user, secret=secret) for secret in secrets]


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside the journal (not on it: ``journal_prune`` replaces the file)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(f"{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    os.fsync(descriptor)


def journal_append(entries: Iterable[Entry], *, path: Path | None = None) -> None:
    """Append ``entries`` and flush them to disk. Raises ``OSError`` when the journal cannot be written."""
    path = path or journal_path()
    data = "".join(entry.line() for entry in entries).encode()
    if not data:
        return
    with _locked(path):
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            _write_all(descriptor, data)
        finally:
            os.close(descriptor)


def journal_read(path: Path | None = None) -> tuple[list[Entry], int]:
    """The journal's entries, oldest first, and how many lines could not be read (none when there is no journal).
    Raises ``OSError`` when the file exists but cannot be read."""
    path = path or journal_path()
    entries, unreadable = [], 0
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entries.append(Entry.parse(line))
        except ValueError:
            unreadable += 1
    return sorted(entries, key=lambda entry: entry.at), unreadable


def journal_prune(*, before: datetime, path: Path | None = None) -> int:
    """Rewrite the journal without the entries made before ``before`` (and without unreadable lines); returns how
    many lines went. The new file replaces the old one at once, so a reader sees one or the other."""
    path = path or journal_path()
    if not path.exists():
        return 0
    with _locked(path):
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
        kept = []
        for line in lines:
            with contextlib.suppress(ValueError):
                if Entry.parse(line).at >= before:
                    kept.append(line + "\n")
        if len(kept) == len(lines):
            return 0
        partial = path.with_name(f"{path.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(descriptor, "".join(kept).encode())
        finally:
            os.close(descriptor)
        os.replace(partial, path)
        return len(lines) - len(kept)
