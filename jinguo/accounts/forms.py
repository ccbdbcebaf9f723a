from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import StyledFormMixin, style_fields
from jinguo.core.middleware import client_ip

from .models import User
from .selectors import (
    assignable_permissions,
    assignable_roles,
    assignable_units,
    permission_groups,
)
from .selectors.login import login_refusal
from .validators import validate_phone

# --- signing in and the own password ---------------------------------------------------------


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def clean(self):
        # Checked before the password: a locked name or address learns nothing, whatever it
        # types, and the answer is the same whether or not the account exists.
        ip = client_ip(self.request) if self.request is not None else None
        refusal = login_refusal(username=self.cleaned_data.get("username"), ip=ip)
        if refusal is not None:
            raise ValidationError(refusal.message, code="locked")
        return super().clean()


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    """Saved through services.user_password_change, which also refuses reusing the password."""

    service_error_default = "new_password1"


# --- the second factor -----------------------------------------------------------------------


class LoginCodeForm(StyledFormMixin, forms.Form):
    """The second step of a login: an authenticator code or a recovery code."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        help_text=_("身份验证器上当前显示的 6 位数字；手机不在身边时，可输入一个恢复码。"),
    )


class AuthenticatorCodeForm(StyledFormMixin, forms.Form):
    """A code from the authenticator itself (enrolling it, or proving one still holds it)."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        help_text=_("身份验证器上当前显示的 6 位数字。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class TwoFactorResetForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：本人手机遗失，已电话核实身份。理由记入审计日志。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


# --- users ----------------------------------------------------------------------------------


class AccountsForm(StyledFormMixin, forms.Form):
    """A scoped form whose subclasses narrow their choice fields in ``setup_fields``."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        forms.Form.__init__(self, *args, **kwargs)
        self.setup_fields()
        style_fields(self)

    def setup_fields(self):
        pass


class UnitChoiceField(forms.ModelChoiceField):
    """Units shown indented under their parents, as the federation tree reads."""

    def __init__(self, *args, base_level: int = 0, **kwargs):
        self.base_level = base_level
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return "\u3000" * max(0, obj.level - self.base_level) + obj.name


class RoleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class RoleOptionsMixin:
    """The role check boxes with their descriptions; ticks survive a failed submission."""

    def role_options(self):
        if "roles" not in self.fields:
            return []
        selected = {str(v) for v in (self["roles"].value() or [])}
        return [(role, str(role.pk) in selected) for role in self.fields["roles"].queryset]


class UserCreateForm(RoleOptionsMixin, AccountsForm):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录时使用，创建后不能修改。")
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"), max_length=20, required=False, validators=[validate_phone]
    )
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    home_unit = UnitChoiceField(label=_("所属单位"), queryset=None)
    roles = RoleChoiceField(label=_("角色"), queryset=None, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("留空则由系统生成随机密码，创建后仅显示一次。用户首次登录须修改密码。"),
    )
    password_confirm = forms.CharField(
        label=_("确认初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def setup_fields(self):
        self.fields["home_unit"].queryset = assignable_units(self.user)
        self.fields["home_unit"].base_level = self.user.home_unit.level
        self.fields["roles"].queryset = assignable_roles(self.user)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("该用户名已被使用。"))
        return username

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password or confirm:
            if password != confirm:
                self.add_error("password_confirm", _("两次输入的密码不一致。"))
            else:
                try:
                    validate_password(password, user=User(username=cleaned.get("username", "")))
                except ValidationError as exc:
                    self.add_error("password", exc)
        return cleaned


class UserUpdateForm(RoleOptionsMixin, AccountsForm):
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        validators=[validate_phone],
        help_text=_("为保护个人信息，不显示原号码；留空表示不修改。"),
    )
    clear_phone = forms.BooleanField(label=_("删除手机号"), required=False)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    home_unit = UnitChoiceField(label=_("所属单位"), queryset=None)
    roles = RoleChoiceField(label=_("角色"), queryset=None, required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, target: User, **kwargs):
        self.target = target
        current = {
            "real_name": target.real_name,
            "title": target.title,
            "home_unit": target.home_unit_id,
            "is_active": target.is_active,
        }
        kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        target = self.target
        self.fields["home_unit"].queryset = assignable_units(self.user, include=target.home_unit)
        self.fields["home_unit"].base_level = self.user.home_unit.level
        if target.phone:
            self.fields["phone"].widget.attrs["placeholder"] = target.masked_phone
        else:
            del self.fields["clear_phone"]
        if target.pk == self.user.pk:
            # Nobody changes her own roles or switches herself off.
            del self.fields["roles"]
            del self.fields["is_active"]
        else:
            assignable = assignable_roles(self.user)
            self.fields["roles"].queryset = assignable
            self.fields["roles"].initial = [r.pk for r in target.roles.all() if r in assignable]

    def phone_value(self) -> str | None:
        if self.cleaned_data.get("clear_phone"):
            return ""
        return self.cleaned_data.get("phone") or None

    def roles_value(self):
        """The roles after saving: ticked ones plus those the editor may not touch."""
        if "roles" not in self.fields:
            return None
        assignable = set(self.fields["roles"].queryset)
        kept = {r for r in self.target.roles.all() if r not in assignable}
        return kept | set(self.cleaned_data["roles"])

    def active_value(self) -> bool | None:
        return self.cleaned_data["is_active"] if "is_active" in self.fields else None


class UserActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", _("启用")), ("0", _("停用"))], coerce=lambda v: v == "1"
    )


# --- roles ----------------------------------------------------------------------------------


class RoleForm(AccountsForm):
    code = forms.SlugField(
        label=_("代码"),
        max_length=50,
        help_text=_("英文小写字母、数字或连字符，创建后不能修改。"),
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requires_two_factor = forms.BooleanField(
        label=_("须两步验证"),
        required=False,
        help_text=_(
            "持有该角色的用户登录时，除密码外还须输入手机身份验证器上的动态验证码；"
            "尚未启用的用户在下次登录时须先启用。"
        ),
    )
    permissions = forms.ModelMultipleChoiceField(
        label=_("权限"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, role=None, **kwargs):
        self.role = role
        if role is not None:
            current = {
                "name": role.name,
                "description": role.description,
                "requires_two_factor": role.requires_two_factor,
                "permissions": [p.pk for p in role.permissions.all()],
            }
            kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        self.fields["permissions"].queryset = assignable_permissions()
        if self.role is not None:
            del self.fields["code"]

    def permission_groups(self):
        field = self.fields["permissions"]
        return permission_groups(field.queryset, selected=self["permissions"].value() or [])

    def permissions_value(self):
        """Ticked permissions plus any the role holds that the form does not offer."""
        offered = set(self.fields["permissions"].queryset.values_list("pk", flat=True))
        kept = []
        if self.role is not None:
            kept = [p for p in self.role.permissions.all() if p.pk not in offered]
        return [*kept, *self.cleaned_data["permissions"]]
