"""REST API for persons: scoped and masked exactly like the UI; writes go through the services.

No response ever carries a plaintext ID number, phone or address: the serializer exposes only
the masked properties. Revealing a value is a UI action with a typed reason.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet
from jinguo.core.api_errors import validation_detail
from jinguo.core.concurrency import StaleVersion
from jinguo.core.identity import unknown_area_message
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.api.serializers import ScopedUnitField

from .. import choices
from ..filtersets.persons import AGE_MAX, PersonFilterSet
from ..models import Person
from ..selectors.persons import likely_duplicates, person_list_queryset, person_open
from ..services import persons as services


class PersonTagSummarySerializer(Serializer):
    id = serializers.IntegerField()
    tag_type = serializers.CharField(source="tag_type.name")
    next_review_on = serializers.DateField()
    is_overdue = serializers.BooleanField()


class PersonSerializer(ModelSerializer):
    """What a worker in scope sees: full name, everything identifying masked."""

    gender_display = serializers.CharField(source="get_gender_display", read_only=True)
    age = serializers.SerializerMethodField()
    masked_id_number = serializers.CharField(read_only=True)
    masked_phone = serializers.CharField(read_only=True)
    masked_phone2 = serializers.CharField(read_only=True)
    masked_address = serializers.CharField(read_only=True)
    org_name = serializers.CharField(source="org.name", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "gender_display",
            "birth_date",
            "age",
            "ethnicity",
            "nationality",
            "id_type",
            "masked_id_number",
            "masked_phone",
            "masked_phone2",
            "masked_address",
            "org",
            "org_name",
            "registration",
            "origin_place",
            "marital_status",
            "education",
            "employment",
            "disability",
            "living_situation",
            "notes",
            "is_sensitive",
            "is_active",
            "merged_into",
            "version",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_age(self, obj) -> int | None:
        return obj.age()

    @extend_schema_field(PersonTagSummarySerializer(many=True))
    def get_tags(self, obj):
        tags = getattr(obj, "active_tags", None)
        if tags is None:
            tags = obj.tags.filter(ended_on__isnull=True).select_related("tag_type")
        return PersonTagSummarySerializer(tags, many=True).data


class PersonWriteSerializer(Serializer):
    """Typed input; the services apply every rule and answer in Chinese."""

    org = ScopedUnitField(action="view", label=gettext_lazy("所属社区/网格"), required=False)
    name = serializers.CharField(max_length=50, required=False, label=gettext_lazy("姓名"))
    gender = serializers.ChoiceField(
        choices=choices.Gender.choices, required=False, allow_blank=True
    )
    birth_date = serializers.DateField(required=False, allow_null=True)
    ethnicity = serializers.CharField(max_length=20, required=False, allow_blank=True)
    nationality = serializers.CharField(max_length=40, required=False, allow_blank=True)
    id_type = serializers.ChoiceField(choices=choices.IdType.choices, required=False)
    id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, write_only=True
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, write_only=True)
    phone2 = serializers.CharField(max_length=30, required=False, allow_blank=True, write_only=True)
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, write_only=True
    )
    registration = serializers.ChoiceField(choices=choices.Registration.choices, required=False)
    origin_place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    marital_status = serializers.ChoiceField(choices=choices.MaritalStatus.choices, required=False)
    education = serializers.ChoiceField(choices=choices.Education.choices, required=False)
    employment = serializers.ChoiceField(choices=choices.Employment.choices, required=False)
    disability = serializers.ChoiceField(choices=choices.Disability.choices, required=False)
    health_notes = serializers.CharField(required=False, allow_blank=True, write_only=True)
    living_situation = serializers.ChoiceField(
        choices=choices.LivingSituation.choices, required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        help_text="修改时：读取档案时的 version；若其间已被他人修改则返回 409。",
    )
    confirm_duplicates = serializers.BooleanField(
        required=False,
        default=False,
        help_text="新建时：发现疑似重复档案会返回 400 并列出；确认是另一个人后设为 true 重新提交。",
    )
    confirm_unknown_area = serializers.BooleanField(
        required=False,
        default=False,
        help_text="居民身份证号码前六位不是已知的行政区划代码（含已撤销的历史代码）时返回 400，"
        "错误在 id_number 上，unknown_area 给出这六位；核对无误后设为 true 重新提交。",
    )


AGE_SCHEMA = {"type": "integer", "minimum": 0, "maximum": AGE_MAX}
FILTER_PARAMS = [
    OpenApiParameter("q", str, description="姓名、拼音或拼音首字母（如 zl），或备注全文检索"),
    OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级"),
    OpenApiParameter("tag", int, description="关注标签类型 id（有效标签）"),
    OpenApiParameter("age_min", AGE_SCHEMA, description="最小年龄（0–150）"),
    OpenApiParameter("age_max", AGE_SCHEMA, description="最大年龄（0–150）"),
    OpenApiParameter("overdue", bool, description="只看有逾期复核标签的人员"),
    OpenApiParameter("sensitive", bool, description="只看敏感档案"),
    OpenApiParameter(
        "status",
        str,
        enum=[PersonFilterSet.STATUS_INACTIVE, PersonFilterSet.STATUS_ALL],
        description="inactive：已停用/已合并；all：全部；默认（空）只列有效档案",
    ),
]


@extend_schema_view(
    list=extend_schema(summary="人员档案列表（脱敏）", parameters=FILTER_PARAMS),
    retrieve=extend_schema(summary="人员档案详情（脱敏）"),
    create=extend_schema(
        summary="新建人员档案",
        description="证件号码完全相同的档案不能重复建立；疑似重复（同名同生日或同一电话）"
        "须设置 confirm_duplicates=true 确认；身份证号码前六位不是已知的行政区划代码时"
        "须设置 confirm_unknown_area=true 确认。",
        request=PersonWriteSerializer,
        responses={201: PersonSerializer},
    ),
    partial_update=extend_schema(
        summary="修改人员档案（只改提交的字段）",
        description="改为前六位不是已知行政区划代码的身份证号码时，须设置 "
        "confirm_unknown_area=true 确认。",
        request=PersonWriteSerializer,
        responses={
            200: PersonSerializer,
            409: OpenApiResponse(description="档案已被他人修改（version 过期）"),
        },
    ),
)
class PersonViewSet(ScopedModelViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return person_list_queryset(self.request.user, self.scope_action())

    def get_object(self):
        if self.action != "retrieve":
            return super().get_object()
        return person_open(
            self.request.user,
            self.kwargs["pk"],
            queryset=self.filter_queryset(self.get_queryset()),
            channel="api",
        )

    def _read(self, person: Person) -> dict:
        person = person_list_queryset(self.request.user).filter(pk=person.pk).first()
        if person is None:
            return None
        return PersonSerializer(person, context=self.get_serializer_context()).data

    @staticmethod
    def _values(data: dict) -> dict:
        return {k: v for k, v in data.items() if k in services.EDITABLE_FIELDS}

    def service_error(self, exc: DjangoValidationError) -> Exception:
        """The services' refusal as the exception handler answers it, except that an unknown
        area code says how to confirm it through the API."""
        area = services.unknown_area_of(exc)
        if area is None or isinstance(exc, StaleVersion):
            return exc
        detail = validation_detail(exc)
        detail["id_number"] = [
            unknown_area_message(area)
            + _("请核对号码；确认无误后设置 confirm_unknown_area=true 重新提交。")
        ]
        detail["unknown_area"] = area
        return ValidationError(detail)

    def create(self, request, *args, **kwargs):
        serializer = PersonWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        values = self._values(data)
        if not data.get("confirm_duplicates"):
            candidates = likely_duplicates(
                request.user,
                name=values.get("name", ""),
                birth_date=values.get("birth_date"),
                phone=values.get("phone", ""),
                phone2=values.get("phone2", ""),
            )
            if candidates:
                return Response(
                    {
                        "non_field_errors": [
                            _(
                                "发现疑似重复的档案，请核对；确认是另一个人后，"
                                "设置 confirm_duplicates=true 重新提交。"
                            )
                        ],
                        "likely_duplicates": [p.pk for p in candidates.visible],
                        "out_of_scope_duplicates": candidates.hidden_count,
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            person = services.person_create(
                user=request.user,
                org=data.get("org"),
                confirm_unknown_area=data.get("confirm_unknown_area", False),
                **values,
            )
        except DjangoValidationError as exc:
            raise self.service_error(exc) from exc
        body = self._read(person)
        if body is None:
            body = {"id": person.pk, "detail": _("档案已保存；该档案为敏感档案，您没有查看权限。")}
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = PersonWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            person = services.person_update(
                user=request.user,
                person=person,
                expected_version=data.get("version"),
                org=data.get("org"),
                confirm_unknown_area=data.get("confirm_unknown_area", False),
                **self._values(data),
            )
        except DjangoValidationError as exc:
            raise self.service_error(exc) from exc
        body = self._read(person)
        if body is None:
            body = {"id": person.pk, "detail": _("档案已保存；该档案为敏感档案，您没有查看权限。")}
        return Response(body)


def register(router) -> None:
    """Add this module's viewsets to the people API router."""
    router.register("persons", PersonViewSet, basename="person")
