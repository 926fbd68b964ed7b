from django import template
from django.utils.safestring import SafeString

from preceptor.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """The sanitised Markdown subset of ``core.text``."""
    return render_markdown(text)


@register.filter(name="money")
def money_filter(amount_minor: int, currency: str) -> str:
    """Cents and a currency code as the member reads them: 1900, "EUR" → "€19.00"."""
    from preceptor.billing.models import money

    return money(amount_minor, currency)
