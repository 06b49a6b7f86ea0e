from django import forms

from yos.forms import GDSFormMixin

REASON_REQUIRED = "Enter the reason for the export, such as the request's reference"


class ExportForm(GDSFormMixin, forms.Form):
    submit_label = "Download the export"
    reason = forms.CharField(
        label="Reason for the export",
        help_text="For example, the subject access request's reference and date.",
        max_length=300,
        error_messages={"required": REASON_REQUIRED},
    )
