"""Forms of the orders concern. Choice fields are scoped for the user filling the form (the
agencies she may name, the persons and cases she sees); the services check everything again.
A person or case is usually given by the page the form was opened from (?person=, ?case=)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.models import Case
from jinguo.core.forms import ScopedForm
from jinguo.people.models import Person

from .. import choices
from ..services.orders.common import courts, police_stations
from .common import DateInput, DateTimeInput, textarea


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class RecordChoiceField(forms.ModelChoiceField):
    """A record given by its id (the form is opened from its page); scoped queryset."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid_choice": _("该记录不存在或不在您的管辖范围内。")}


class _Base(ScopedForm):
    def scope(self):
        user = self.user
        if "person" in self.fields:
            self.fields["person"].queryset = Person.objects.restrict(user, "view").filter(
                merged_into__isnull=True
            )
        if "case" in self.fields:
            self.fields["case"].queryset = Case.objects.restrict(user, "view")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope()


class PoliceWarningForm(_Base):
    person = RecordChoiceField(queryset=Person.objects.none(), label=_("受害人"))
    case = RecordChoiceField(queryset=Case.objects.none(), label=_("关联个案"), required=False)
    police_station = forms.ModelChoiceField(
        queryset=None,
        label=_("出具单位（公安机关）"),
        help_text=_("在“合作机构”中登记为公安机关的单位。"),
    )
    document_number = forms.CharField(label=_("告诫书文号"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("出具日期"), widget=DateInput, initial=timezone.localdate)
    abuser = RecordChoiceField(
        queryset=Person.objects.none(), label=_("加害人（已建档）"), required=False
    )
    abuser_description = forms.CharField(
        label=_("加害人情况"),
        widget=textarea(2),
        required=False,
        help_text=_("加害人未建档时填写：与受害人关系、姓名等。加密保存。"),
    )
    facts = forms.CharField(label=_("家庭暴力事实"), widget=textarea(4))
    prohibition = forms.CharField(label=_("禁止事项"), widget=textarea(3))
    served_to = forms.CharField(
        label=_("送达对象"), max_length=100, required=False, help_text=_("例如：加害人、受害人")
    )
    served_at = forms.DateTimeField(label=_("送达时间"), widget=DateTimeInput, required=False)
    visit_every_days = forms.IntegerField(
        label=_("回访间隔（天）"),
        min_value=1,
        max_value=365,
        initial=30,
        help_text=_("默认每 30 天回访一次，至出具后 90 天，共 3 次。"),
    )
    visits_until = forms.DateField(
        label=_("回访截止日期"),
        widget=DateInput,
        required=False,
        help_text=_("不填为出具后 90 天。"),
    )

    def scope(self):
        super().scope()
        self.fields["police_station"].queryset = police_stations(self.user)
        self.fields["abuser"].queryset = self.fields["person"].queryset


class PoliceWarningEditForm(PoliceWarningForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["person"]


class VisitRecordForm(_Base):
    done_at = forms.DateTimeField(label=_("回访时间"), widget=DateTimeInput, initial=now_minute)
    reached = forms.TypedChoiceField(
        label=_("是否见到当事人"),
        choices=[("1", _("已见到/联系上当事人")), ("0", _("未联系上"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    with_police = forms.BooleanField(label=_("与派出所共同回访"), required=False)
    finding = forms.CharField(
        label=_("回访情况"),
        widget=textarea(4),
        help_text=_("是否再次发生家庭暴力、当事人是否安全、需要的帮助。加密保存。"),
    )


class ProtectionOrderForm(_Base):
    person = RecordChoiceField(queryset=Person.objects.none(), label=_("受保护人"))
    case = RecordChoiceField(queryset=Case.objects.none(), label=_("关联个案"), required=False)
    applicant_kind = forms.ChoiceField(label=_("申请人"), choices=choices.ApplicantKind.choices)
    applicant_name = forms.CharField(
        label=_("代为申请人姓名/单位"),
        max_length=200,
        required=False,
        help_text=_("由妇联、公安机关、居（村）委会、民政部门或近亲属代为申请时填写。"),
    )
    respondent = RecordChoiceField(
        queryset=Person.objects.none(), label=_("被申请人（已建档）"), required=False
    )
    respondent_description = forms.CharField(
        label=_("被申请人情况"), widget=textarea(2), required=False
    )
    help_drafting = forms.BooleanField(label=_("妇联协助撰写申请书"), required=False)
    help_evidence = forms.BooleanField(label=_("妇联协助收集证据"), required=False)
    help_accompanying = forms.BooleanField(label=_("妇联陪同申请/出庭"), required=False)
    court = forms.ModelChoiceField(queryset=None, label=_("受理法院"), required=False)
    notes = forms.CharField(label=_("备注"), widget=textarea(2), required=False)

    def scope(self):
        super().scope()
        self.fields["court"].queryset = courts(self.user)
        self.fields["respondent"].queryset = self.fields["person"].queryset


class ProtectionOrderEditForm(ProtectionOrderForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["person"]


class ApplyForm(_Base):
    applied_at = forms.DateTimeField(label=_("申请时间"), widget=DateTimeInput, initial=now_minute)
    court = forms.ModelChoiceField(queryset=None, label=_("法院"), required=False)

    def scope(self):
        self.fields["court"].queryset = courts(self.user)


class AcceptForm(_Base):
    accepted_at = forms.DateTimeField(label=_("受理时间"), widget=DateTimeInput, initial=now_minute)
    urgent = forms.BooleanField(
        label=_("情况紧急（24 小时内裁定）"),
        required=False,
        help_text=_("紧急的 24 小时内、其他 72 小时内作出裁定，按自然时间连续计算，节假日不顺延。"),
    )
    court = forms.ModelChoiceField(queryset=None, label=_("受理法院"))
    court_case_number = forms.CharField(label=_("案号"), max_length=60, required=False)

    def scope(self):
        self.fields["court"].queryset = courts(self.user)


class _Measures(_Base):
    ban_violence = forms.BooleanField(label=_("禁止实施家庭暴力"), required=False)
    ban_contact = forms.BooleanField(
        label=_("禁止骚扰、跟踪、接触申请人及其相关近亲属"), required=False
    )
    move_out = forms.BooleanField(label=_("责令迁出申请人住所"), required=False)
    other_measures = forms.CharField(
        label=_("其他措施"),
        widget=textarea(2),
        required=False,
        help_text=_("例如：禁止通过电话、短信、网络威胁；禁止接近住所、学校、工作单位。"),
    )


class RuleForm(_Measures):
    outcome = forms.ChoiceField(
        label=_("裁定结果"),
        choices=[
            (choices.OrderStatus.GRANTED, _("签发（支持申请）")),
            (choices.OrderStatus.PARTLY, _("部分支持")),
            (choices.OrderStatus.REFUSED, _("驳回申请")),
        ],
    )
    ruled_at = forms.DateTimeField(label=_("裁定时间"), widget=DateTimeInput, initial=now_minute)
    effective_from = forms.DateField(
        label=_("生效日期"), widget=DateInput, required=False, initial=timezone.localdate
    )
    effective_until = forms.DateField(
        label=_("有效期至"),
        widget=DateInput,
        required=False,
        help_text=_("不超过六个月，例如 1 月 1 日生效最长至 6 月 30 日。"),
    )
    note = forms.CharField(label=_("说明"), widget=textarea(2), required=False)
    field_order = ["outcome", "ruled_at", "ban_violence", "ban_contact", "move_out"]


class NoteForm(_Base):
    at = forms.DateTimeField(label=_("时间"), widget=DateTimeInput, initial=now_minute)
    note = forms.CharField(label=_("说明"), widget=textarea(3))


class WithdrawForm(_Base):
    note = forms.CharField(label=_("撤回原因"), widget=textarea(3))


class ExtendForm(_Base):
    at = forms.DateTimeField(label=_("延长裁定时间"), widget=DateTimeInput, initial=now_minute)
    new_until = forms.DateField(
        label=_("延长后有效期至"),
        widget=DateInput,
        help_text=_("每次延长视为新的裁定：自原有效期届满次日起最长六个月。"),
    )
    note = forms.CharField(label=_("说明"), widget=textarea(2), required=False)


class VaryForm(_Measures):
    at = forms.DateTimeField(label=_("变更裁定时间"), widget=DateTimeInput, initial=now_minute)
    effective_until = forms.DateField(
        label=_("有效期至（缩短时填写）"), widget=DateInput, required=False
    )
    note = forms.CharField(label=_("变更内容"), widget=textarea(3))


class BreachForm(_Base):
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DateTimeInput, initial=now_minute)
    description = forms.CharField(label=_("违反情况"), widget=textarea(4))
    police_response = forms.CharField(label=_("公安机关处置"), widget=textarea(2), required=False)
    sanction = forms.ChoiceField(label=_("处罚"), choices=choices.Sanction.choices)


class BreachUpdateForm(_Base):
    police_response = forms.CharField(label=_("公安机关处置"), widget=textarea(3), required=False)
    sanction = forms.ChoiceField(label=_("处罚"), choices=choices.Sanction.choices)


class InjuryRecordForm(_Base):
    person = RecordChoiceField(queryset=Person.objects.none(), label=_("当事人"))
    case = RecordChoiceField(queryset=Case.objects.none(), label=_("关联个案"), required=False)
    examined_by = forms.CharField(label=_("鉴定/诊疗机构"), max_length=100)
    examiner = forms.CharField(label=_("鉴定人/医生"), max_length=50, required=False)
    examined_at = forms.DateTimeField(label=_("检查时间"), widget=DateTimeInput, initial=now_minute)
    severity = forms.ChoiceField(label=_("鉴定结论"), choices=choices.InjurySeverity.choices)
    result = forms.CharField(label=_("伤情描述"), widget=textarea(4))


class EvidenceForm(_Base):
    purpose = forms.CharField(
        label=_("用途"),
        max_length=200,
        initial=_("申请人身安全保护令"),
        help_text=_("打印会记录在审计日志中，并生成校验码供法院核对。"),
    )
