"""Template tags every app uses."""

from django import template

from yos import jobs, tags
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


# --- Status tags: every colour from yos.tags ----------------------------------


def _tag(colour: str, words: str, testid: str = "") -> dict:
    return {"classes": tags.css_class(colour), "words": words, "testid": testid}


@register.inclusion_tag("includes/tag.html")
def status_tag(obj, field: str = "status", testid: str = ""):
    """A record's status (or attendance, or a flag's kind) as a GOV.UK tag in
    the colour yos.tags gives it: {% status_tag case %}, {% status_tag s "attendance" %}."""
    return _tag(*tags.for_value((obj._meta.label, field), getattr(obj, field)), testid)


@register.inclusion_tag("includes/tag.html")
def value_tag(model: str, field: str, value, testid: str = ""):
    """A status known only by its value (a derived status annotated on a
    queryset): {% value_tag "orders.ParentingOrder" "status" order.derived_status %}."""
    return _tag(*tags.for_value((model, field), value), testid)


@register.inclusion_tag("includes/tag.html")
def state_tag(words: str, testid: str = ""):
    """A state that is no field's value, by its words: {% state_tag "Overdue" %}."""
    return _tag(tags.for_state(words), words, testid)
