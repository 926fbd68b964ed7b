"""The payment providers this server offers: those whose settings are complete."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from preceptor.billing.providers.base import PaymentProvider
from preceptor.core.middleware import csp_admit

# Each entry: the provider class's dotted path and the settings it needs (all or none).
PROVIDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stripe": ("preceptor.billing.providers.stripe.StripeProvider", ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")),
    "paypal": (
        "preceptor.billing.providers.paypal.PayPalProvider",
        ("PAYPAL_CLIENT_ID", "PAYPAL_CLIENT_SECRET", "PAYPAL_WEBHOOK_ID"),
    ),
    "demo": ("preceptor.billing.providers.demo.DemoProvider", ()),
    # Offered only where a page asks for it by name (an organisation's licence), never by ``available()``.
    "transfer": ("preceptor.billing.providers.transfer.BankTransferProvider", ("BANK_TRANSFER_DETAILS",)),
}


def check_configuration() -> None:
    """A provider with some but not all of its settings is a mistake: stop at start with a clear message."""
    for name, (_path, names) in PROVIDERS.items():
        given = [n for n in names if getattr(settings, n, "")]
        if given and len(given) != len(names):
            missing = ", ".join(n for n in names if n not in given)
            raise ImproperlyConfigured(f"The {name} payment provider is half configured: set {missing} as well.")


@cache
def _instance(name: str) -> PaymentProvider:
    from django.utils.module_loading import import_string

    return import_string(PROVIDERS[name][0])()


def get(name: str) -> PaymentProvider:
    if name not in PROVIDERS:
        raise KeyError(name)
    return _instance(name)


def configured(name: str) -> bool:
    names = PROVIDERS[name][1]
    return all(getattr(settings, n, "") for n in names) if names else True


def available() -> list[PaymentProvider]:
    """Real providers when any is configured; otherwise the demo (only while DEBUG is on)."""
    real = [get(name) for name in ("stripe", "paypal") if configured(name)]
    if real:
        return real
    demo = get("demo")
    return [demo] if demo.is_available() else []


def admit_redirects(response: HttpResponse, providers: Iterable[PaymentProvider]) -> None:
    """Let this page's checkout or manage forms reach ``providers``' pages: the POST answers with a redirect to
    the provider, and Chromium checks a form submission's redirects against ``form-action`` (else ``'self'``
    only). Call it only on a response that shows such a form (decision 0017)."""
    origins = sorted({origin for provider in providers for origin in provider.redirect_origins()})
    if origins:
        csp_admit(response, "form-action", origins)
