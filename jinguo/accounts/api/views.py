from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jinguo.core.api import ScopedModelViewSet
from jinguo.core.middleware import client_ip

from .. import services
from ..filtersets import UserFilterSet
from ..models import User
from ..selectors import user_list_for
from ..selectors.login import login_refusal
from .serializers import (
    DetailSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserCreatedSerializer,
    UserSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="用户列表（本人管辖范围内，手机号脱敏）"),
    retrieve=extend_schema(summary="用户详情"),
    create=extend_schema(
        summary="新建用户（需 accounts.add_user 与 core.manage_users）",
        responses={201: UserCreatedSerializer},
    ),
    update=extend_schema(summary="修改用户"),
    partial_update=extend_schema(summary="修改用户的部分字段"),
)
@extend_schema(tags=["accounts"])
class UserViewSet(ScopedModelViewSet):
    """Accounts in the caller's scope; writes go through the same services as the UI."""

    model = User
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return user_list_for(self.request.user, self.scope_action())

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data["initial_password"] = self._temporary_password
        return response

    def perform_create(self, serializer):
        data = serializer.validated_data
        created = services.user_create(
            actor=self.request.user,
            username=data.get("username", ""),
            real_name=data.get("real_name", ""),
            home_unit=data["home_unit"],
            roles=data.get("roles", []),
            phone=data.get("phone", ""),
            title=data.get("title", ""),
            password=data.get("password") or None,
        )
        serializer.instance = created.user
        self._temporary_password = created.temporary_password

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.user_update(
            actor=self.request.user,
            user=serializer.instance,
            real_name=data.get("real_name"),
            phone=data.get("phone"),
            title=data.get("title"),
            home_unit=data.get("home_unit"),
            roles=data.get("roles"),
            is_active=data.get("is_active"),
        )


@extend_schema(tags=["accounts"])
class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="当前用户：所属单位、角色与权限", responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


@extend_schema(tags=["accounts"])
class TokenView(APIView):
    """Exchange a username and password for an API token, under the same lockout as the web."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="以用户名和密码换取接口令牌",
        description=(
            "成功后在请求头中使用 `Authorization: Token <token>`。同一用户名从同一来源地址连续失败"
            "达到上限后，该用户名在该地址被暂时锁定；同一地址短时间内用多个用户名大量失败时，该地址被暂时"
            "限制（均返回 429 和 Retry-After）；须修改初始密码的账号不签发令牌（403）。"
            "已启用两步验证的账号须同时提供 `code`（身份验证器上的验证码或恢复码，错误计入同一锁定）；"
            "角色要求两步验证而尚未启用的账号须先登录网页启用（403）。已签发的令牌不受两步验证影响。"
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            # {"detail": ...} for wrong credentials, {field: [...]} for a missing field.
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="缺少用户名或密码，或用户名、密码、验证码错误"
            ),
            403: OpenApiResponse(
                DetailSerializer, description="须先修改初始密码、须提供验证码或须先启用两步验证"
            ),
            429: OpenApiResponse(DetailSerializer, description="失败次数过多，暂时锁定"),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        refusal = login_refusal(username=username, ip=client_ip(request))
        if refusal is not None:
            return Response(
                {"detail": refusal.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(refusal.seconds)},
            )
        # A failure fires user_login_failed, which counts it and writes the security event.
        user = authenticate(
            request._request, username=username, password=serializer.validated_data["password"]
        )
        if user is None:
            return Response({"detail": _("用户名或密码错误。")}, status=status.HTTP_400_BAD_REQUEST)
        try:
            # Refused with 403 (PermissionDenied) when a code is missing or enrolment is due.
            services.token_second_factor_check(
                user=user, code=serializer.validated_data.get("code"), ip=client_ip(request)
            )
        except DjangoValidationError as exc:
            # A wrong code gets the same shape of answer as a wrong password.
            return Response({"detail": exc.messages[0]}, status=status.HTTP_400_BAD_REQUEST)
        token = services.token_issue(user=user)  # refused (403) until the password is changed
        return Response({"token": token.key, "user": MeSerializer(user).data})
