"""The form of a visit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import style_fields

from ..choices import VisitMethod
from .common import RelatedForm, date_field


class VisitForm(RelatedForm):
    """One column, big touch targets, sensible defaults: made to be filled on a phone."""

    visited_on = date_field(_("走访日期"), initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("方式"),
        choices=VisitMethod.choices,
        initial=VisitMethod.HOME,
        widget=forms.RadioSelect,
    )
    met_whom = forms.CharField(
        label=_("见到的人"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：本人、婆婆、孩子")}),
    )
    # A routine visit saves without typing (two taps from the 工作台); she edits it when the
    # visit found anything else.
    situation = forms.CharField(
        label=_("情况记录"),
        max_length=5000,
        initial=_("按期走访，情况平稳，未发现新的困难。"),
        widget=forms.Textarea({"rows": 5}),
        help_text=_("加密保存，只有能查看这份档案的人可以看到。"),
    )
    needs = forms.CharField(
        label=_("提出的需求"), max_length=5000, required=False, widget=forms.Textarea({"rows": 3})
    )
    follow_up_needed = forms.BooleanField(label=_("需要跟进"), required=False)
    follow_up_on = date_field(_("跟进日期"), required=False)

    def __init__(self, *args, with_target=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_target:
            self._target_fields(person=True, household=True)
            self._worker_field("worker", _("走访人"), required=False, help_text=_("留空则为本人。"))
            self.order_fields(["person", "household", "visited_on", "method", "worker"])
        style_fields(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput) or widget.is_hidden:
                continue
            large = "form-select-lg" if isinstance(widget, forms.Select) else "form-control-lg"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {large}".strip()

    def clean(self):
        data = super().clean()
        if data.get("follow_up_needed") and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("需要跟进时请填写跟进日期。"))
        return data
