"""Forms of key-focus tags (add, edit, review, end) and of tag types."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import FocusTagType
from ..services.tags import MAX_REVIEW_DAYS
from .common import RelatedForm, date_field


class TagCreateForm(RelatedForm):
    tag_type = forms.ModelChoiceField(
        queryset=FocusTagType.objects.filter(is_active=True),
        label=_("关注类型"),
        empty_label=_("请选择"),
    )
    since = date_field(_("关注起始日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("关注原因"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"),
        min_value=1,
        max_value=MAX_REVIEW_DAYS,
        required=False,
        help_text=_("留空则按关注类型的默认周期。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields()
        self._worker_field(
            "responsible",
            _("责任人"),
            required=False,
            help_text=_("负责定期复核的干部或网格员；她将可以查看这份档案。"),
        )
        self.order_fields(["person", "tag_type", "since", "reason", "responsible"])


class TagUpdateForm(RelatedForm):
    reason = forms.CharField(label=_("关注原因"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"), min_value=1, max_value=MAX_REVIEW_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._worker_field("responsible", _("责任人"), required=False)


class TagReviewForm(RelatedForm):
    reviewed_on = date_field(_("复核日期"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("复核说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("记入操作日志，例如：情况稳定，继续关注。"),
    )


class TagEndForm(RelatedForm):
    ended_on = date_field(_("解除日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("解除原因"), max_length=200)


class TagTypeCreateForm(RelatedForm):
    code = forms.CharField(
        label=_("代码"),
        max_length=40,
        help_text=_("小写英文字母、数字和下划线，创建后不能修改，例如 war_widow。"),
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"), min_value=1, max_value=MAX_REVIEW_DAYS, initial=90
    )
    sensitive = forms.BooleanField(
        label=_("敏感（带此标签的档案只对有权限或被指派的人员可见）"), required=False
    )
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class TagTypeUpdateForm(TagTypeCreateForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]
