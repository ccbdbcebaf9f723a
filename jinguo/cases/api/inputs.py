"""Input serializers of the cases API: typed input only; the services apply every rule and
answer in Chinese. Categories come by code or id, persons and units only within the caller's
scope."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinguo.core.serializers import Serializer
from jinguo.orgs.api.serializers import ScopedUnitField
from jinguo.people import choices as people_choices
from jinguo.people.selectors.persons import visible_persons

from .. import choices
from ..models import CLIENT_REFERENCE_PATTERN, Category
from ..services.workflow import NOTE_MAX

# --- relation fields ----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class CategoryField(serializers.Field):
    """An active category given by its code (``family-violence``) or its id."""

    default_error_messages = {
        "does_not_exist": _("诉求类别“%(value)s”不存在或已停用。"),
        "invalid": _("请填写诉求类别的代码或编号。"),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("invalid")
        value = str(data).strip()
        if not value:
            self.fail("invalid")
        # A worker validating many appeals passes a dict to remember categories in.
        cache = self.context.get("category_cache")
        found = cache.get(value) if cache is not None else None
        if found is None:
            qs = Category.objects.filter(is_active=True).select_related("parent")
            found = qs.filter(pk=int(value)).first() if value.isdigit() else None
            if found is None:
                found = qs.filter(code=value).first()
            if found is not None and cache is not None:
                cache[value] = found
        if found is None:
            raise serializers.ValidationError(
                self.error_messages["does_not_exist"] % {"value": value[:40]},
                code="does_not_exist",
            )
        return found

    def to_representation(self, value):
        return value.code


@extend_schema_field(OpenApiTypes.INT)
class PersonField(serializers.PrimaryKeyRelatedField):
    """A person on file that the caller may see (restrict plus shares)."""

    default_error_messages = {"does_not_exist": _("该人员不存在或不在您的管辖范围内。")}

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return visible_persons(None)
        return visible_persons(request.user)


# --- write serializers --------------------------------------------------------------------


class NewComplainantSerializer(Serializer):
    name = serializers.CharField(max_length=50, label=_("姓名"))
    gender = serializers.ChoiceField(
        choices=people_choices.Gender.choices,
        required=False,
        default=people_choices.Gender.FEMALE,
        label=_("性别"),
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", label=_("手机号")
    )
    id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", label=_("证件号码")
    )
    birth_date = serializers.DateField(
        required=False, allow_null=True, default=None, label=_("出生日期")
    )
    org = ScopedUnitField(
        action="view",
        required=False,
        allow_null=True,
        default=None,
        label=_("建档单位"),
        help_text="社区（村）妇联或网格；默认为个案的承办单位。",
    )
    confirm_unknown_area = serializers.BooleanField(
        required=False,
        default=False,
        help_text="身份证号码前六位不是已知行政区划代码（含已撤销的）时，核对无误后设为 true。",
    )


class PartyInputSerializer(Serializer):
    person = PersonField(required=False, allow_null=True, default=None, label=_("人员档案"))
    role = serializers.ChoiceField(choices=choices.PartyRole.choices, label=_("身份"))
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("说明")
    )

    def validate(self, attrs):
        if attrs.get("person") is None and not attrs.get("description", "").strip():
            raise serializers.ValidationError(
                _("请选择人员档案，或填写当事人说明（如“丈夫，约40岁”）。")
            )
        return attrs


class CaseIntakeSerializer(Serializer):
    """An appeal from any channel; the intake service applies every rule."""

    channel = serializers.ChoiceField(choices=choices.Channel.choices, label=_("来源渠道"))
    category = CategoryField(
        label=_("诉求类别"), help_text="类别代码（如 family-violence）或编号；可直接填子类别。"
    )
    subcategory = CategoryField(required=False, allow_null=True, default=None, label=_("子类别"))
    gbv_type = serializers.ChoiceField(
        choices=choices.GbvType.choices,
        required=False,
        allow_blank=True,
        default="",
        label=_("暴力类型"),
    )
    urgency = serializers.ChoiceField(
        choices=choices.Urgency.choices,
        required=False,
        default=choices.Urgency.NORMAL,
        label=_("紧急程度"),
    )
    summary = serializers.CharField(max_length=100, label=_("诉求摘要"))
    narrative = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, default="", label=_("诉求内容")
    )
    caller_phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        label=_("来电号码"),
    )
    complainant = PersonField(required=False, allow_null=True, default=None, label=_("诉求人"))
    new_complainant = NewComplainantSerializer(
        required=False, allow_null=True, default=None, label=_("新诉求人")
    )
    anonymous = serializers.BooleanField(required=False, default=False, label=_("匿名"))
    involves_minor = serializers.BooleanField(
        required=False, default=False, label=_("涉及未成年人")
    )
    parties = PartyInputSerializer(many=True, required=False, default=list, label=_("当事人"))
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, label=_("收到时间")
    )
    org = ScopedUnitField(
        action="view",
        required=False,
        allow_null=True,
        default=None,
        label=_("承办单位"),
        help_text="默认为本人所在单位。",
    )
    client_reference = serializers.RegexField(
        CLIENT_REFERENCE_PATTERN,
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        label=_("对方系统编号"),
        help_text="对方系统的唯一编号（字母、数字和 . _ : -，以字母或数字开头，至多 80 个字符）；"
        "同一账号以同一编号重复提交时返回首次登记的个案，不重复登记。",
        error_messages={
            "invalid": _("对方系统编号只能由字母、数字和 . _ : - 组成，且以字母或数字开头。")
        },
    )

    def validate(self, attrs):
        category, sub = attrs["category"], attrs.get("subcategory")
        if category.parent_id:
            # A sub-category given as the category: its parent is the area.
            if sub is not None and sub.pk != category.pk:
                raise serializers.ValidationError(
                    {"subcategory": _("已在“诉求类别”中填写了子类别，请不要再填写其他子类别。")}
                )
            attrs["category"], attrs["subcategory"] = category.parent, category
        elif sub is not None and sub.parent_id != category.pk:
            raise serializers.ValidationError(
                {
                    "subcategory": _("子类别“%(sub)s”不属于“%(cat)s”。")
                    % {
                        "sub": sub.name,
                        "cat": category.name,
                    }
                }
            )
        attrs["client_reference"] = attrs.get("client_reference", "").strip()
        return attrs


class QueuedCaseIntakeSerializer(CaseIntakeSerializer):
    """The queue's body: the same appeal, and the reference that makes a retry safe."""

    client_reference = serializers.RegexField(
        CLIENT_REFERENCE_PATTERN,
        max_length=80,
        label=_("对方系统编号"),
        help_text="必填：对方系统的唯一编号（字母、数字和 . _ : -，以字母或数字开头，至多 80 个字符），"
        "也是查询地址 /api/cases/intake/<编号>/ 的一部分。",
    )


class VersionSerializer(Serializer):
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="读取个案时的 version；其间已被他人修改则返回 409。",
    )


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default="", label=_("说明")
    )


class RequiredNoteSerializer(VersionSerializer):
    note = serializers.CharField(max_length=NOTE_MAX, label=_("说明"))


class DeclineSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000, label=_("不予受理理由"))


class AssignSerializer(NoteSerializer):
    worker = serializers.IntegerField(label=_("承办人"), help_text="承办人的用户编号")


class ResolveSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(choices=choices.Outcome.choices, label=_("办理结果"))
    outcome_note = serializers.CharField(max_length=NOTE_MAX, label=_("办结情况"))


class FollowUpSerializer(NoteSerializer):
    satisfaction = serializers.ChoiceField(
        choices=choices.Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    result = serializers.ChoiceField(choices=choices.FollowUpResult.choices, label=_("回访结果"))


class UnitNoteSerializer(NoteSerializer):
    unit = serializers.IntegerField(label=_("单位"), help_text="目标单位编号")


class UnitRequiredNoteSerializer(RequiredNoteSerializer):
    unit = serializers.IntegerField(label=_("单位"), help_text="目标单位编号")


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000, label=_("理由"))


class ReferralNoteSerializer(Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX, required=False, allow_blank=True, default="", label=_("说明")
    )


class ReferralReasonSerializer(Serializer):
    reason = serializers.CharField(max_length=2000, label=_("退回理由"))


class ReferralReportSerializer(Serializer):
    report = serializers.CharField(max_length=10000, label=_("办理情况反馈"))


class ReferralCreateSerializer(Serializer):
    """A new referral of a case to a partner agency (the referring unit is the case's)."""

    case = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="个案 id")
    agency = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="合作机构 id（本单位、上级或下级登记的机构）"
    )
    request = serializers.CharField(max_length=2000, help_text="转介事项：请对方机构做什么")
    share_identity = serializers.BooleanField(
        default=True,
        help_text="向机构提供当事人身份信息（须已登记当事人对此类机构的单独同意）",
    )
