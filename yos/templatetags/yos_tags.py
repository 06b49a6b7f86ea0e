"""Template tags every app uses."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/form_page.html", takes_context=True)
def gds_form(context, form):
    """The GOV.UK error summary (when the form has errors), then the form.

    Usage: {% load yos_tags %}{% gds_form form %}
    """
    return {"form": form, "csrf_token": context.get("csrf_token")}
