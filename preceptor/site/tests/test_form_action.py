"""Forms post to this site only: every page of the URLconf, opened by every kind of visitor on the seeded demo,
answers with ``form-action 'self'`` and nothing more. The two pages with a meeting's join form (a live class's
page and the teacher's page) admit the meeting host while a join is possible; ``classes/tests/test_join_csp.py``
shows when, so they are left out here."""

from __future__ import annotations

import pytest
from django.test import Client

from preceptor.site.tests.pages import pages

JOIN_PAGES = {"classes:detail", "classes:teach"}
VISITORS = ("anonymous", "learner", "pro", "teacher", "new_teacher", "staff")


def form_action(policy: str) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["form-action"].split()


@pytest.mark.django_db
@pytest.mark.parametrize("who", VISITORS)
def test_no_page_but_a_join_page_lets_a_form_post_to_another_host(demo, settings, who):
    settings.DEBUG = True  # the demo checkout pages exist only in development
    settings.MEDIA_ROOT = demo.objects["media_root"]
    user = None if who == "anonymous" else demo.users[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    seen, wider = 0, []
    for name, path in pages(demo, user):
        if name in JOIN_PAGES:
            continue
        response = client.get(path)
        if response.streaming:  # a file is read as it streams; the client closes it at the end
            b"".join(response.streaming_content)
        seen += 1
        policy = response.get("Content-Security-Policy", "")
        if form_action(policy) != ["'self'"]:
            wider.append(f"GET {path} ({name}): {policy}")
    assert not wider, "\n".join(wider)
    assert seen > 50
