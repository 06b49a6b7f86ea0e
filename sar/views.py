"""The administrator's subject access pages: a reason first, then the ZIP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import Adult, Child
from sar.export import subject_export
from sar.forms import ExportForm
from yos import access
from yos.models import Role


def _export_page(request: HttpRequest, subject, kind: str) -> HttpResponse:
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        content = subject_export(
            subject, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        name = f"subject-access-{kind.lower()}-{subject.pk}-{timezone.localdate():%Y%m%d}.zip"
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    reference = getattr(subject, "reference", "") or f"#{subject.pk}"
    return render(
        request, "yos/sar_form.html", {"form": form, "kind": kind, "reference": reference}
    )


@require_http_methods(["GET", "POST"])
@access.policy(Role.ADMINISTRATOR)
def export_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators only (the DPO's role): the export of one child."""
    return _export_page(request, access.subject_for_export(request.user, Child, pk), "Child")


@require_http_methods(["GET", "POST"])
@access.policy(Role.ADMINISTRATOR)
def export_adult(request: HttpRequest, pk: int) -> HttpResponse:
    return _export_page(request, access.subject_for_export(request.user, Adult, pk), "Adult")
