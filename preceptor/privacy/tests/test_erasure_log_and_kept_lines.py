"""The erasure log keeps the erased address only as a keyed hash (old plain rows still found), and what each app
kept is told to the member in their language (decision 0029)."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path
from unittest import mock

import pytest
from django.utils.translation import trans_real

from preceptor.core.hashing import address_hash
from preceptor.mail.suppression import address_hash as suppression_hash
from preceptor.privacy.models import DataRequest, ErasureLog
from preceptor.privacy.selectors import erasure_logs_for_address
from preceptor.privacy.services import erasure_perform, erasure_request

ADDRESS = "Lena.Learner@Example.org"
AUDIT_LINE = "Audit events: kept as proof of what was done (they contain no name, e-mail or other values)."
SUPPRESSION_LINE = (
    "E-mail suppression list: a keyed hash of your address, which cannot be turned back into it, so that "
    "we never send unasked e-mail to it again."
)


def erase(user, capture) -> ErasureLog:
    with capture(execute=True):
        erasure_perform(request=erasure_request(user=user))
    return ErasureLog.objects.get(user_id_erased=user.pk)


def plain_sha256(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def test_the_log_holds_a_keyed_hash_not_a_plain_one(learner, django_capture_on_commit_callbacks):
    address = learner.email
    log = erase(learner, django_capture_on_commit_callbacks)
    assert log.keyed
    assert log.email_hash == address_hash(address) == suppression_hash(address)
    assert log.email_hash != plain_sha256(address)
    assert erasure_logs_for_address(address.upper()) == [log]
    assert erasure_logs_for_address("someone.else@example.org") == []


def test_a_logged_address_is_still_found_after_the_key_is_rotated(
    learner, django_capture_on_commit_callbacks, settings
):
    address = learner.email
    log = erase(learner, django_capture_on_commit_callbacks)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert address_hash(address) != log.email_hash
    assert erasure_logs_for_address(address) == [log]
    settings.SECRET_KEY_FALLBACKS = []
    assert erasure_logs_for_address(address) == []


@pytest.mark.django_db
def test_rows_logged_before_the_hash_was_keyed_are_found_by_their_plain_hash():
    old = ErasureLog.objects.create(user_id_erased=1, email_hash=plain_sha256(ADDRESS), keyed=False)
    # A keyed row is never matched by a plain hash, even one that happens to equal its stored value.
    ErasureLog.objects.create(user_id_erased=2, email_hash=plain_sha256("other@example.org"), keyed=True)
    assert erasure_logs_for_address(ADDRESS) == [old]
    assert erasure_logs_for_address("other@example.org") == []
    assert erasure_logs_for_address("") == []


def test_what_was_kept_is_told_in_the_members_language(learner, django_capture_on_commit_callbacks):
    learner.language = "de"
    learner.save(update_fields=["language"])
    stand_ins = {AUDIT_LINE: "Prüfprotokoll: behalten.", SUPPRESSION_LINE: "Sperrliste: ein verschlüsselter Wert."}
    with mock.patch.dict(trans_real.translation("de")._catalog._catalogs[0], stand_ins):
        log = erase(learner, django_capture_on_commit_callbacks)
    assert log.kept["core"] == ["Prüfprotokoll: behalten."]
    assert log.kept["mail"] == ["Sperrliste: ein verschlüsselter Wert."]
    assert DataRequest.objects.get(user=learner, kind="erasure").answer["kept"] == log.kept


def _kept_line_is_translated(node: ast.expr) -> bool:
    """``gettext("…")`` or ``gettext("…") % {…}``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "gettext"


def test_every_line_an_app_returns_from_erase_user_is_a_gettext_call():
    package = Path(__file__).resolve().parents[2]
    checked = 0
    for path in sorted(package.glob("*/privacy.py")):
        tree = ast.parse(path.read_text())
        for function in (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "erase_user"):
            assert not any(isinstance(n, ast.JoinedStr) for n in ast.walk(function)), f"f-string in {path}"
            for node in ast.walk(function):
                lines: list[ast.expr] = []
                if isinstance(node, ast.Return) and isinstance(node.value, ast.List):
                    lines = node.value.elts
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "append"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "kept"
                ):
                    lines = node.args
                for line in lines:
                    assert _kept_line_is_translated(line), f"{path}:{line.lineno} is not translated"
                    checked += 1
    assert checked >= 10
