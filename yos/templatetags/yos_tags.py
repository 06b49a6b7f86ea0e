"""Template tags every app uses."""

from django import template

from yos import jobs
from yos.forms import error_summary_items

register = template.Library()


@register.inclusion_tag("includes/form_page.html", takes_context=True)
def gds_form(context, form):
    """The GOV.UK error summary (when the form has errors), then the form.

    Usage: {% load yos_tags %}{% gds_form form %}
    """
    return {"form": form, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("includes/error_summary.html")
def gds_error_summary(form):
    """The GOV.UK error summary of a form with errors: each link goes to the
    first input of its field (yos.forms.error_summary_items decides which).

    Usage: {% load yos_tags %}{% gds_error_summary form %}
    """
    return {"items": error_summary_items(form)}


@register.filter
def what_it_did(counts):
    """A JobRun's counts as (step, words) rows: {{ run.counts|what_it_did }}."""
    return jobs.what_it_did(counts)
