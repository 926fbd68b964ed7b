"""The generated policy reads in the reader's language: every string it takes from the declarations and the
processors register is an English msgid that makemessages extracts, and the renderer translates it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils import translation

import preceptor
from preceptor.core.personal_data import LegalBasis, PersonalData
from preceptor.core.processors import active_processors, register
from preceptor.privacy import policy, registry
from preceptor.privacy.tests.test_declarations import _with_mail_declaration

pytestmark = pytest.mark.django_db

# The keywords makemessages gives xgettext for Python (django.core.management.commands.makemessages).
SINGULAR = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def extracted_msgids() -> set[str]:
    """The msgids makemessages would extract from the package's Python files (first argument of the gettext
    family, the second for the context variants); adjacent literals count as one string, as for xgettext."""
    found: set[str] = set()
    for path in Path(preceptor.__file__).parent.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            index = 0 if name in SINGULAR else 1 if name in CONTEXT else None
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def declaration_strings(d: PersonalData) -> list[str]:
    """The prose a declaration contributes to the policy: its name, purpose, basis note and its rules' words."""
    texts = [d.name, d.purpose, d.basis_note]
    for rule in d.rules:
        texts += [getattr(rule, attr, "") for attr in ("event", "law", "note")]
    return [text for text in texts if text]


def _declarations() -> list[PersonalData]:
    return [d for app in registry.registry() for d in app.declarations]


def test_every_declaration_and_processor_string_is_extracted_for_translation():
    msgids = extracted_msgids()
    assert "GDPR art. %(article)s" in msgids
    unmarked = sorted(
        {f"{d.label}: {text!r}" for d in _declarations() for text in declaration_strings(d) if text not in msgids}
    )
    unmarked += sorted(
        {f"{p.key}: {text!r}" for p in register().values() for text in (p.service, p.country) if text not in msgids}
    )
    assert not unmarked, "wrap these in gettext_noop(...) so that makemessages finds them:\n" + "\n".join(unmarked)


def test_a_declaration_string_without_gettext_noop_is_caught():
    assert "A purpose nobody marked for translation." not in extracted_msgids()


def test_the_german_policy_translates_every_declaration_string(monkeypatch):
    """With a catalogue that knows every declaration string, the German policy shows no English one of them."""
    strings = sorted({text for d in _declarations() for text in declaration_strings(d)})
    strings += sorted({text for p in active_processors() for text in (p.service, p.country)} - set(strings))
    german = {text: f"[de{i}]" for i, text in enumerate(strings)}
    german["GDPR art. %(article)s"] = "Art. %(article)s DSGVO"
    real = translation._trans.gettext

    def gettext(message: str) -> str:
        if translation.get_language() == "de" and message in german:
            return german[message]
        return real(message)

    monkeypatch.setattr(translation._trans, "gettext", gettext)
    html = policy.policy_render(language="de")
    missing = [f"{text!r} ({german[text]})" for text in strings if german[text] not in html]
    assert not missing, "not translated in the German policy:\n" + "\n".join(missing)
    assert f"Art. {LegalBasis.CONTRACT.value} DSGVO" in html
    assert "GDPR art." not in html
    # The same strings stay English where the record of processing is written.
    record = policy.processing_record_json()
    assert {a["name"] for a in record["activities"]} == {d.name for d in _declarations()}


def test_the_policy_names_each_data_set_by_its_declared_name_not_the_models():
    shown = policy.policy_render(language="en")
    for d in _declarations():
        assert d.name in shown.replace("&#x27;", "'")
    assert "Requirement statuss" not in shown and "Authenticators" not in shown


def test_a_declaration_without_a_name_is_caught(monkeypatch):
    _with_mail_declaration(monkeypatch, name=" ")
    assert registry.declaration_problems() == ["mail: mail.EmailEvent has no name for the policy and the record"]
