"""The form of the extension approvals page: approve or refuse, with a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm


class ExtensionDecideForm(ScopedForm):
    approve = forms.TypedChoiceField(
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=500)
