from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jinguo.core.masking import mask_phone
from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.models import OrgUnit

from ..models import Role, User
from ..selectors import scoped_units
from ..validators import validate_phone


class MaskedPhoneField(serializers.CharField):
    """Takes a full number on input, gives it back masked (138****8000)."""

    def to_representation(self, value):
        return mask_phone(value)


class UnitBriefSerializer(ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "level", "path"]


class RoleBriefSerializer(ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "code", "name"]


class UserSerializer(ModelSerializer):
    phone = MaskedPhoneField(
        required=False,
        allow_blank=True,
        max_length=20,
        validators=[validate_phone],
        help_text=_("写入时为完整号码；读出时脱敏显示。"),
    )
    home_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.none(), help_text=_("所属单位，须在本人管辖范围内。")
    )
    home_unit_name = serializers.CharField(source="home_unit.name", read_only=True)
    roles = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Role.objects.all(),
        required=False,
        help_text=_("角色代码列表。"),
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        style={"input_type": "password"},
        help_text=_("仅新建时使用；留空则由系统生成，并在响应的 initial_password 中返回一次。"),
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "phone",
            "title",
            "home_unit",
            "home_unit_name",
            "roles",
            "is_active",
            "must_change_password",
            "last_login",
            "date_joined",
            "password",
        ]
        read_only_fields = ["must_change_password", "last_login", "date_joined"]
        # Uniqueness and every other rule are checked by the services, with their messages.
        extra_kwargs = {"username": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["home_unit"].queryset = scoped_units(request.user)
        if self.instance is not None:
            self.fields["username"].read_only = True
            self.fields["password"].read_only = True


class UserCreatedSerializer(UserSerializer):
    initial_password = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("系统生成的初始密码，仅此一次返回。")
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "initial_password"]


class MeSerializer(ModelSerializer):
    phone = MaskedPhoneField(read_only=True)
    home_unit = UnitBriefSerializer(read_only=True)
    roles = RoleBriefSerializer(many=True, read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "real_name",
            "phone",
            "title",
            "home_unit",
            "roles",
            "permissions",
            "must_change_password",
            "last_login",
        ]

    def get_permissions(self, obj) -> list[str]:
        return sorted(obj.get_all_permissions())


class TokenRequestSerializer(Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="已启用两步验证的账号必填：身份验证器上的 6 位验证码或一个恢复码。",
    )


class TokenResponseSerializer(Serializer):
    token = serializers.CharField()
    user = MeSerializer()


class DetailSerializer(Serializer):
    detail = serializers.CharField()
