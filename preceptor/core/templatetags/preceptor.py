from datetime import datetime

from django import template
from django.template.context import Context
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from preceptor.core.hooks import Panel
from preceptor.core.money import money
from preceptor.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """The sanitised Markdown subset of ``core.text``."""
    return render_markdown(text)


@register.filter(name="money")
def money_filter(amount_minor: int, currency: str) -> str:
    """Cents and a currency code as the member reads them: 1900, "EUR" → "€19.00" (English), "19,00 €" (German)."""
    return money(amount_minor, currency)


# Dates with the weekday, which Django's locale formats (DATE_FORMAT, DATETIME_FORMAT) lack: each language's
# translation gives its own order and punctuation ("Tuesday 15 January 2030, 13:00" and, in German,
# "Dienstag, 15. Januar 2030, 13:00").
WEEKDAY_FORMATS = {
    "long": pgettext_lazy("date format with the weekday", "l j F Y, H:i"),
    "short": pgettext_lazy("short date format with the weekday", "D j M Y, H:i"),
}


@register.filter(expects_localtime=True)
def weekday_datetime(value: datetime | None, style: str = "long") -> str:
    """A moment with its weekday, in the active language's words and order (``{{ c.starts_at|weekday_datetime }}``,
    ``|weekday_datetime:"short"``), in the current time zone like Django's ``date`` filter."""
    if value is None:
        return ""
    return formats.date_format(value, str(WEEKDAY_FORMATS[style]))


@register.simple_tag(takes_context=True)
def render_panel(context: Context, panel: Panel) -> SafeString:
    """A panel a higher app contributed to this page (``core.hooks.Panel``), with its own context added."""
    assert context.template is not None  # a tag only runs while a template renders
    template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return template.render(context)
