from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

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
    """Cents and a currency code as the member reads them: 1900, "EUR" → "€19.00"."""
    return money(amount_minor, currency)


@register.simple_tag(takes_context=True)
def render_panel(context: Context, panel: Panel) -> SafeString:
    """A panel a higher app contributed to this page (``core.hooks.Panel``), with its own context added."""
    assert context.template is not None  # a tag only runs while a template renders
    template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return template.render(context)
