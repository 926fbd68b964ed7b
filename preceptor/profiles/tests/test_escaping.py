import pytest
from django.urls import reverse

from preceptor.accounts.services import account_update
from preceptor.core.text import render_markdown
from preceptor.profiles.services import profile_update

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_and_html_in_every_free_text_field_come_back_escaped(client, learner, outsider, payload):
    account_update(user=learner, full_name=f"Lena {payload}", phone="")
    profile_update(
        profile=learner.profile,
        actor=learner,
        changes={
            **{f"{name}_visibility": "public" for name in ("location", "bio", "specialty", "institution", "website")},
            "location": payload,
            "bio": f"Hello {payload} [click](javascript:alert(1))",
            "specialty": payload,
            "institution": payload,
            "website": "https://example.org/?q=%22%3E%3Cscript%3E",
        },
    )
    for viewer in (None, outsider, learner):
        if viewer:
            client.force_login(viewer)
        html = client.get(reverse("profiles:detail", args=[learner.profile.handle])).content.decode()
        for dangerous in ("<script>alert", "<img src=x", "<iframe", "<svg onload", 'href="javascript:'):
            assert dangerous not in html
        assert "&lt;" in html
    client.force_login(learner)
    for url in (reverse("accounts:account"), reverse("profiles:edit"), reverse("site:home")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html


def test_markdown_keeps_the_small_subset_and_drops_everything_else():
    html = render_markdown(
        "**bold** *it* [ok](https://example.org) [bad](javascript:alert(1)) `code`\n\n"
        "- one\n- two\n\n> quote\n\n# Heading\n\n![img](https://example.org/x.png)\n\n<b onclick=x>raw</b>"
    )
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer ugc">ok</a>' in html
    assert 'href="javascript:' not in html
    assert "<li>one</li>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert "<h1>" not in html
    assert "<img" not in html
    assert "<b onclick" not in html
    assert "&lt;b onclick=x&gt;" in html


def test_remembered_markdown_is_the_same_sanitised_html_and_long_texts_are_rendered_each_time():
    from preceptor.core import text as text_module
    from preceptor.core.text import REMEMBERED_LENGTH

    text = "<script>alert(1)</script> [x](javascript:alert(1)) *seen*"
    first, again = render_markdown(text), render_markdown(text)
    assert first == again and "<script>" not in again and 'href="javascript:' not in again and "<em>seen</em>" in again
    long = "<script>x</script> " + "word " * (REMEMBERED_LENGTH // 5)
    kept = text_module._rendered.cache_info().currsize
    html = render_markdown(long)
    assert text_module._rendered.cache_info().currsize == kept, "a long text is not kept"
    assert len(long) > REMEMBERED_LENGTH and "<script>" not in html and html.startswith("<p>&lt;script&gt;")
    assert render_markdown(None) == render_markdown("") == ""  # type: ignore[arg-type]
