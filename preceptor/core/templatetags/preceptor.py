from django import template
from django.utils.safestring import SafeString

from preceptor.core.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """The sanitised Markdown subset of ``core.text``."""
    return render_markdown(text)
