"""A number next to a counted noun takes the noun's singular or plural: "1 lesson", "2 lessons". In templates
that is ``{% blocktranslate count n=… %}…{% plural %}…{% endblocktranslate %}``; a plain ``blocktranslate``
with "{{ n }} lessons" says "1 lessons" and leaves translators no plural forms."""

from __future__ import annotations

import re
from pathlib import Path

import preceptor

NOUNS = (
    "lessons|credits|minutes|attempts|seats|questions|days|hours|courses|classes|members|places|weeks|months"
    "|years|codes|files|answers|registrants|claims|certificates|rows|people"
)
BLOCK = re.compile(r"{%\s*blocktranslate\b(?P<options>[^%]*)%}(?P<body>.*?){%\s*endblocktranslate\s*%}", re.S)
COUNTED = re.compile(r"{{\s*\w+\s*}}\s+(?:of\s+{{\s*\w+\s*}}\s+)?(?:[\w-]+\s+)?(?P<noun>" + NOUNS + r")\b")


def uncounted_plurals(text: str) -> list[str]:
    """The ``blocktranslate`` blocks of a template that put a number before a plural noun without ``count``."""
    return [
        block.group(0)
        for block in BLOCK.finditer(text)
        if "count" not in block.group("options").split() and COUNTED.search(block.group("body"))
    ]


def test_the_check_finds_a_plural_without_count_and_accepts_one_with_it():
    assert uncounted_plurals("{% blocktranslate with n=x %}{{ n }} lessons{% endblocktranslate %}")
    assert uncounted_plurals("{% blocktranslate with d=a t=b %}{{ d }} of {{ t }} lessons done{% endblocktranslate %}")
    assert not uncounted_plurals(
        "{% blocktranslate count n=x %}{{ n }} lesson{% plural %}{{ n }} lessons{% endblocktranslate %}"
    )
    assert not uncounted_plurals("{% blocktranslate with days=d %}{{ days }}-day trial{% endblocktranslate %}")


def test_every_template_counts_its_plurals():
    root = Path(preceptor.__file__).parent
    found = {
        str(path.relative_to(root)): blocks
        for path in sorted(root.rglob("templates/**/*"))
        if path.suffix in (".html", ".txt") and (blocks := uncounted_plurals(path.read_text(encoding="utf-8")))
    }
    assert found == {}
