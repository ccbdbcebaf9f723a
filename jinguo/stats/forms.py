"""Forms of the report forms' settings (the report grid itself is read by its view)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedModelForm

from .models import ReportCell


class ReportCellForm(ScopedModelForm):
    class Meta:
        model = ReportCell
        fields = ["kind", "formula", "required", "min_value", "max_value"]
        widgets = {"formula": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "formula": _(
                '自动计算的单元格填写公式，例如 ind("appeals_total") 或 '
                'count("cases.case", channel="hotline_12338")；手工填报的单元格留空。'
            )
        }
