"""Forms of the cadres pages. Choice fields are scoped through restrict(); the services check
everything again and their messages land on the fields they name."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.filtersets import WorkerSearchInput
from jinguo.cases.models import Category
from jinguo.core.forms import ScopedForm, style_fields
from jinguo.orgs.forms import UnitSearchField
from jinguo.orgs.models import OrgUnit
from jinguo.people.forms.common import WorkerChoiceField, date_field
from jinguo.people.selectors.common import assignable_workers
from jinguo.people.selectors.households import visible_households
from jinguo.people.selectors.persons import visible_persons

from .. import choices
from ..models import PositionType
from .pickers import HouseholdSearchField, PersonSearchField

CHOOSE = _("请选择")


def units_field(user, label=None):
    """A unit of the user's scope, typed and searched (orgs' unit picker): a province's tree
    is far too long for a select."""
    return UnitSearchField(
        OrgUnit.objects.restrict(user, "view").filter(is_active=True),
        label=label or _("所属单位"),
    )


def persons_field(user, label, *, required=True, under=None, women_only=False):
    """A person of the user's scope, typed and searched (forms/pickers.py)."""
    return PersonSearchField(
        visible_persons(user).select_related("org"),
        label=label,
        required=required,
        under=under,
        women_only=women_only,
    )


class PositionForm(ScopedForm):
    position_type = forms.ModelChoiceField(
        queryset=PositionType.objects.filter(is_active=True), label=_("职务"), empty_label=CHOOSE
    )
    employment = forms.ChoiceField(
        choices=[("", _("不区分")), *choices.Employment.choices], label=_("专兼职"), required=False
    )
    started_on = date_field(_("任职日期"))
    ended_on = date_field(_("离任日期"), required=False)
    account = WorkerChoiceField(
        queryset=None,
        widget=WorkerSearchInput(attrs={"placeholder": _("输入姓名或登录名搜索")}),
        label=_("系统账号"),
        required=False,
        empty_label=_("无（没有登录账号）"),
        help_text=_("任职人有本平台账号时选择，便于在工作台提醒她。"),
    )
    helps_with = forms.CharField(
        label=_("服务事项"),
        required=False,
        max_length=200,
        help_text=_("印在挂牌上岗卡上，例如：婚姻家庭纠纷调解、妇女儿童维权咨询。"),
    )
    public_contact = forms.CharField(
        label=_("公开联系方式"),
        required=False,
        max_length=100,
        help_text=_("本人同意公开的联系方式（如办公电话、妇女之家值班电话）；不填则卡上不显示。"),
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, creating=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = assignable_workers(self.user).select_related("home_unit")
        if creating:
            self.fields = {
                "org": units_field(self.user, _("任职单位")),
                "person": persons_field(self.user, _("任职人")),
                **self.fields,
            }
        style_fields(self)


class EndForm(ScopedForm):
    ended_on = date_field(_("离任日期"), initial=timezone.localdate)


class ElectionForm(ScopedForm):
    held_on = date_field(_("选举日期"))
    method = forms.ChoiceField(choices=choices.ElectionMethod.choices, label=_("选举方式"))
    term_starts_on = date_field(
        _("新一届任期开始"), help_text=_("到这一天，名册中的上一届职务结束、新一届开始。")
    )
    term_years = forms.IntegerField(label=_("任期（年）"), initial=5, min_value=1, max_value=10)
    voters_total = forms.IntegerField(
        label=_("应到人数"), required=False, min_value=0, max_value=100000
    )
    voters_present = forms.IntegerField(
        label=_("实到人数"), required=False, min_value=0, max_value=100000
    )
    notes = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": units_field(self.user, _("换届单位")), **self.fields}
        style_fields(self)


class CandidateForm(ScopedForm):
    position_type = forms.ModelChoiceField(
        queryset=PositionType.objects.filter(is_active=True, kind=choices.PostKind.FEDERATION),
        label=_("拟任职务"),
        empty_label=CHOOSE,
    )
    employment = forms.ChoiceField(
        choices=[("", _("不区分")), *choices.Employment.choices], label=_("专兼职"), required=False
    )
    votes = forms.IntegerField(label=_("得票数"), min_value=0, max_value=100000, initial=0)
    elected = forms.BooleanField(label=_("当选"), required=False, initial=True)

    def __init__(self, *args, election=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "person": persons_field(self.user, _("候选人"), under=election.org),
            **self.fields,
        }
        style_fields(self)


class DecisionForm(ScopedForm):
    approve = forms.TypedChoiceField(
        label=_("批复"),
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decision_note = forms.CharField(
        label=_("批复意见"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactPointForm(ScopedForm):
    visit_every_days = forms.IntegerField(
        label=_("走访频次（天）"), initial=30, min_value=1, max_value=366
    )
    tasks = forms.CharField(
        label=_("联系任务"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    since = date_field(_("起始日期"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "org": units_field(self.user, _("负责单位")),
            "place": units_field(self.user, _("联系的村（社区）")),
            "cadre_user": WorkerChoiceField(
                queryset=assignable_workers(self.user).select_related("home_unit"),
                widget=WorkerSearchInput(attrs={"placeholder": _("输入姓名或登录名搜索")}),
                label=_("负责干部（系统账号）"),
                required=False,
                empty_label=_("无"),
            ),
            "cadre_person": persons_field(
                self.user, _("负责干部（执委等，无账号时）"), required=False
            ),
            **self.fields,
        }
        style_fields(self)


class ContactPointEditForm(ScopedForm):
    visit_every_days = forms.IntegerField(label=_("走访频次（天）"), min_value=1, max_value=366)
    tasks = forms.CharField(
        label=_("联系任务"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactPointEndForm(ScopedForm):
    ended_on = date_field(_("结束日期"), initial=timezone.localdate)
    end_reason = forms.CharField(
        label=_("结束原因"),
        max_length=200,
        help_text=_("例如：干部调动、联系点调整。结束后保留走访历史，不再提醒逾期。"),
    )


class VisitForm(ScopedForm):
    """The phone form: a few fields, the appeal folded underneath."""

    service_error_fields = {
        "appeal_category": "appeal_category",
        "appeal_subcategory": "appeal_category",
        "appeal_gbv_type": "appeal_category",
        "appeal_received_at": "appeal_summary",
        "appeal_org": "appeal_summary",
    }

    visited_on = date_field(_("走访日期"), initial=timezone.localdate)
    way = forms.ChoiceField(choices=choices.VisitWay.choices, label=_("方式"))
    met_whom = forms.CharField(
        label=_("见到的其他人"),
        required=False,
        max_length=200,
        help_text=_("没有档案的人写称呼即可，如“村妇女小组长”；不要写电话、身份证号。"),
    )
    findings = forms.CharField(
        label=_("了解到的情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    follow_up = forms.CharField(
        label=_("跟进事项"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    appeal_summary = forms.CharField(
        label=_("收到的诉求（一句话）"),
        required=False,
        max_length=200,
        help_text=_("填写后将登记为维权个案，由本级妇联受理；不要写姓名、电话。"),
    )
    appeal_category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True, parent__isnull=True, is_violence=False),
        label=_("诉求类别"),
        required=False,
        empty_label=CHOOSE,
    )
    appeal_narrative = forms.CharField(
        label=_("诉求详情"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, point=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Whom she met, when that person is on record: searched among those the user may see
        # in the contact point's village or community.
        fields = dict(self.fields)
        met = persons_field(
            self.user,
            _("见到的人（有档案时）"),
            required=False,
            under=point.place if point else None,
        )
        self.fields = {}
        for name, field in fields.items():
            if name == "met_whom":
                self.fields["met_person"] = met
            self.fields[name] = field
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("appeal_summary") and not data.get("appeal_category"):
            self.add_error("appeal_category", _("登记诉求时请选择诉求类别。"))
        return data

    def appeal(self):
        data = self.cleaned_data
        if not data.get("appeal_summary"):
            return None
        return {
            "summary": data["appeal_summary"],
            "category": data["appeal_category"],
            "narrative": data.get("appeal_narrative", ""),
        }


class PairingForm(ScopedForm):
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "org": units_field(self.user),
            "cadre": persons_field(self.user, _("干部（执委等）")),
            "woman": persons_field(self.user, _("联系的妇女"), required=False, women_only=True),
            "household": HouseholdSearchField(
                visible_households(self.user).select_related("org"),
                label=_("联系的家庭"),
                required=False,
            ),
            **self.fields,
        }
        style_fields(self)


class PairingContactForm(ScopedForm):
    contacted_on = date_field(_("联系日期"), initial=timezone.localdate)
    way = forms.ChoiceField(choices=choices.VisitWay.choices, label=_("方式"))
    note = forms.CharField(
        label=_("情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrainingForm(ScopedForm):
    topic = forms.CharField(label=_("培训主题"), max_length=200)
    kind = forms.ChoiceField(choices=choices.TrainingKind.choices, label=_("培训类别"))
    organiser = forms.CharField(label=_("主办方"), required=False, max_length=100)
    starts_on = date_field(_("开始日期"))
    ends_on = date_field(_("结束日期"))
    hours = forms.DecimalField(
        label=_("学时"), min_value=0.5, max_value=999, max_digits=5, decimal_places=1
    )
    trainer = forms.CharField(label=_("授课人"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"org": units_field(self.user, _("组织单位")), **self.fields}
        style_fields(self)


class AttendanceForm(ScopedForm):
    completed = forms.BooleanField(label=_("完成培训"), required=False, initial=True)
    certificate_no = forms.CharField(label=_("证书编号"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"person": persons_field(self.user, _("学员")), **self.fields}
        style_fields(self)


class QualificationForm(ScopedForm):
    kind = forms.ChoiceField(choices=choices.QualificationKind.choices, label=_("资格类别"))
    number = forms.CharField(label=_("证书编号"), required=False, max_length=60)
    issued_on = date_field(_("发证日期"), required=False)
    expires_on = date_field(_("有效期至"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "org": units_field(self.user),
            "person": persons_field(self.user, _("持证人")),
            **self.fields,
        }
        style_fields(self)
