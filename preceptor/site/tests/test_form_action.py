"""Forms post to this site only: every page of the URLconf, opened by every kind of visitor on the seeded demo,
answers with ``form-action 'self'`` and nothing more. The two pages with a meeting's join form (a live class's
page and the teacher's page) admit the meeting host while a join is possible; ``classes/tests/test_join_csp.py``
shows when, so they are left out here (the class page's Buy form: ``classes/tests/test_buy_csp.py``). The pages
with a checkout or manage form (pricing, billing overview) may admit exactly the configured payment providers'
origins, and nothing else (``billing/tests/test_checkout_csp.py`` shows when)."""

from __future__ import annotations

import pytest
from django.test import Client

from preceptor.site.tests.pages import pages

JOIN_PAGES = {"classes:detail", "classes:teach"}
VISITORS = ("anonymous", "learner", "pro", "teacher", "new_teacher", "staff")
STRIPE = ["https://checkout.stripe.com", "https://billing.stripe.com"]
PAYPAL = ["https://www.sandbox.paypal.com"]  # PAYPAL_API_BASE's default is the sandbox
# With Stripe and PayPal configured, the pages with a checkout form and what each may admit besides 'self'.
CHECKOUT_PAGES = {"billing:pricing": sorted(STRIPE + PAYPAL), "billing:overview": sorted(STRIPE)}


def form_action(policy: str) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    return directives["form-action"].split()


@pytest.mark.django_db
@pytest.mark.parametrize("providers", ["demo", "stripe+paypal"])
@pytest.mark.parametrize("who", VISITORS)
def test_no_page_but_a_join_or_checkout_page_lets_a_form_post_to_another_host(demo, settings, who, providers):
    settings.DEBUG = True  # the demo checkout pages exist only in development
    if providers == "stripe+paypal":
        settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
        settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET, settings.PAYPAL_WEBHOOK_ID = "id", "secret", "hook"
    allowed = CHECKOUT_PAGES if providers == "stripe+paypal" else {}
    settings.MEDIA_ROOT = demo.objects["media_root"]
    user = None if who == "anonymous" else demo.users[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    seen, wider, admitted = 0, [], set()
    for name, path in pages(demo, user):
        if name in JOIN_PAGES:
            continue
        response = client.get(path)
        if response.streaming:  # a file is read as it streams; the client closes it at the end
            b"".join(response.streaming_content)
        seen += 1
        policy = response.get("Content-Security-Policy", "")
        sources = form_action(policy)
        if name in allowed and sources == ["'self'", *allowed[name]]:
            admitted.add(name)
        elif sources != ["'self'"]:
            wider.append(f"GET {path} ({name}): {policy}")
    assert not wider, "\n".join(wider)
    assert seen > 50
    if providers == "stripe+paypal" and who == "learner":  # not Pro: the pricing page shows the checkout forms
        assert "billing:pricing" in admitted
