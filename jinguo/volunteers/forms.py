"""Forms of the volunteers and councils pages; choices scoped through restrict(), the
services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, style_fields
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.forms.common import WorkerChoiceField, date_field
from jinguo.people.selectors.common import assignable_workers
from jinguo.people.selectors.persons import visible_persons

from .choices import RegistrationStatus
from .models import Team, Volunteer

OUT_OF_SCOPE = _("该记录不存在或不在您的管辖范围内。")
CHOOSE = _("请选择")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.name}）"


class VolunteerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person.name}（{obj.team.name}）"


def units_field(user, label=None, **filters):
    return forms.ModelChoiceField(
        queryset=OrgUnit.objects.restrict(user, "view")
        .filter(is_active=True, **filters)
        .order_by("path"),
        label=label or _("所属单位"),
        empty_label=CHOOSE,
        error_messages={"invalid_choice": OUT_OF_SCOPE},
    )


def persons_field(user, label):
    return PersonField(
        queryset=visible_persons(user).select_related("org").order_by("name_pinyin", "id"),
        label=label,
        empty_label=CHOOSE,
        error_messages={"invalid_choice": OUT_OF_SCOPE},
    )


class TeamForm(ScopedForm):
    name = forms.CharField(label=_("队伍名称"), max_length=100)
    purpose = forms.CharField(label=_("服务内容"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        leaders = assignable_workers(self.user).select_related("home_unit")
        self.fields = {
            "org": units_field(self.user, _("所属单位")),
            **self.fields,
            "leader": WorkerChoiceField(
                queryset=leaders.order_by("username"),
                label=_("队长（审核人）"),
                required=False,
                empty_label=CHOOSE,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            ),
        }
        style_fields(self)


class TeamUpdateForm(TeamForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["org"]


class VolunteerForm(ScopedForm):
    skills = forms.CharField(label=_("特长技能"), max_length=200, required=False)
    availability = forms.CharField(label=_("可服务时间"), max_length=200, required=False)
    areas = forms.CharField(label=_("服务领域"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("本人同意登记为志愿者"),
        required=False,
        help_text=_("登记须经本人同意。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "team": forms.ModelChoiceField(
                queryset=Team.objects.restrict(self.user, "view").order_by("name"),
                label=_("服务队"),
                empty_label=CHOOSE,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            ),
            "person": persons_field(self.user, _("志愿者（人员档案）")),
            **self.fields,
        }
        style_fields(self)


class DecideForm(ScopedForm):
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("通过")), ("0", _("不通过"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ActivityForm(ScopedForm):
    held_on = date_field(_("活动日期"))
    title = forms.CharField(label=_("活动名称"), max_length=200)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000, initial=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "team": forms.ModelChoiceField(
                queryset=Team.objects.restrict(self.user, "change").order_by("name"),
                label=_("服务队"),
                empty_label=CHOOSE,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            ),
            **self.fields,
        }
        style_fields(self)


class SignupForm(ScopedForm):
    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Volunteer.objects.restrict(self.user, "view").filter(
            status=RegistrationStatus.APPROVED
        )
        if activity is not None:
            qs = qs.filter(team_id=activity.team_id)
        self.fields["volunteer"] = VolunteerField(
            queryset=qs.select_related("person", "team"),
            label=_("志愿者"),
            empty_label=CHOOSE,
            error_messages={"invalid_choice": OUT_OF_SCOPE},
        )
        style_fields(self)


class HoursForm(ScopedForm):
    attended = forms.BooleanField(label=_("出勤"), required=False, initial=True)
    hours = forms.DecimalField(
        label=_("服务时长（小时）"),
        required=False,
        min_value=0.5,
        max_value=24,
        max_digits=4,
        decimal_places=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class CarePairingForm(ScopedForm):
    since = date_field(_("结对日期"))
    note = forms.CharField(label=_("帮扶内容"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        volunteers = Volunteer.objects.restrict(self.user, "view").filter(
            status=RegistrationStatus.APPROVED
        )
        self.fields = {
            "volunteer": VolunteerField(
                queryset=volunteers.select_related("person", "team"),
                label=_("爱心妈妈（志愿者）"),
                empty_label=CHOOSE,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            ),
            "child": persons_field(self.user, _("结对儿童")),
            **self.fields,
        }
        style_fields(self)


class CouncilForm(ScopedForm):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        required=False,
        help_text=_("不填则为“村（社区）名称 + 妇女议事会”。"),
    )
    founded_on = date_field(_("成立日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "org": units_field(self.user, _("村（社区）"), kind=UnitKind.COMMUNITY),
            **self.fields,
        }
        style_fields(self)


class MemberForm(ScopedForm):
    role = forms.CharField(label=_("职责"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"person": persons_field(self.user, _("成员")), **self.fields}
        style_fields(self)


class MeetingForm(ScopedForm):
    held_on = date_field(_("会议日期"))
    topics = forms.CharField(
        label=_("议题（群众提出的事项）"), widget=forms.Textarea, max_length=4000
    )
    discussion = forms.CharField(
        label=_("讨论情况"), widget=forms.Textarea, max_length=4000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ResolutionForm(ScopedForm):
    text = forms.CharField(label=_("议定事项"), max_length=300)
    responsible = forms.CharField(label=_("落实责任人"), max_length=60)
    due_on = date_field(_("完成时限"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class FollowUpForm(ScopedForm):
    note = forms.CharField(label=_("落实情况"), max_length=500)
    done = forms.BooleanField(label=_("已办结"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ActivityUpdateForm(ActivityForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["team"]


class ReasonForm(ScopedForm):
    """Cancelling an activity, reopening a resolution: a reason is required."""

    reason = forms.CharField(
        label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MeetingUpdateForm(MeetingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["held_on"]


class ResolutionUpdateForm(ResolutionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["text"]
