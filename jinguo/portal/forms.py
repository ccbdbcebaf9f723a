"""Forms of the public portal and of its staff pages."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from jinguo.cases.services.attachments import ALLOWED_EXTENSIONS
from jinguo.core.forms import ScopedForm, StyledFormMixin

from . import choices
from .models import ConsultationSlot, KnowledgePage
from .security import setting

STARTED_SALT = "portal.form-started"
MAX_FILES = 3
PORTAL_EXTENSIONS = [e for e in ALLOWED_EXTENSIONS if e not in ("doc", "xls", "xlsx")]


def started_token() -> str:
    return signing.dumps(int(time.time()), salt=STARTED_SALT)


def started_age(token: str) -> float | None:
    """Seconds since the form was handed out; None when the token is missing, forged or older
    than two hours."""
    try:
        started = signing.loads(token or "", salt=STARTED_SALT, max_age=2 * 3600)
    except signing.BadSignature:
        return None
    return time.time() - int(started)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": _accept()}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _accept() -> str:
    return ",".join(f".{e}" for e in PORTAL_EXTENSIONS)


class AppealForm(StyledFormMixin, forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # Honeypot: hidden from people by the stylesheet; a robot filling every field fills it.
    website = forms.CharField(
        required=False,
        label=_("请不要填写此项"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    topic = forms.ChoiceField(
        label=_("发生了什么事？"),
        choices=choices.HelpTopic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择最接近的一项。")},
    )
    story = forms.CharField(
        label=_("简单说说情况"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("不用写得很完整。可以不写真实姓名。"),
        error_messages={
            "required": _("请简单说说发生了什么。"),
            "max_length": _("内容不能超过 %(limit_value)d 个字。"),
        },
    )
    in_danger = forms.BooleanField(label=_("我现在有危险"), required=False)
    contact_way = forms.ChoiceField(
        label=_("可以怎样联系您？"),
        choices=choices.ContactWay.choices,
        initial=choices.ContactWay.NONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否可以联系您。")},
    )
    phone = forms.CharField(
        label=_("安全的电话号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("只在您选择了电话或短信时填写。请留一个别人不会查看的号码。"),
    )
    safe_time = forms.CharField(
        label=_("什么时候联系您比较安全？"),
        required=False,
        max_length=100,
        help_text=_("例如：工作日上午 9 点到 11 点。"),
    )
    anonymous = forms.BooleanField(label=_("我想匿名，不留姓名"), required=False, initial=True)
    name = forms.CharField(label=_("怎么称呼您（可不填）"), required=False, max_length=50)
    files = MultipleFileField(
        label=_("照片或材料（可不传）"),
        required=False,
        help_text=_("最多 %(n)d 个，每个不超过 %(mb)d MB；可传图片、PDF、录音、视频或文字文件。")
        % {"n": MAX_FILES, "mb": 10},
    )
    pin = forms.CharField(
        label=_("设置查询密码"),
        min_length=4,
        max_length=8,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "new-password"}, render_value=True
        ),
        help_text=_("4 到 8 位数字。以后用查询码和这个密码查看回复，请记住它。"),
        error_messages={
            "required": _("请设置 4 到 8 位数字的查询密码。"),
            "min_length": _("请设置 4 到 8 位数字的查询密码。"),
            "max_length": _("请设置 4 到 8 位数字的查询密码。"),
        },
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("最多上传 %(n)d 个文件。") % {"n": MAX_FILES})
        limit = setting("FILE_MAX_MB", 10) * 1024 * 1024
        for f in files:
            ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
            if ext not in PORTAL_EXTENSIONS:
                raise forms.ValidationError(
                    _("不支持“%(name)s”这种文件。可以上传：%(types)s。")
                    % {"name": f.name[-60:], "types": "、".join(PORTAL_EXTENSIONS)}
                )
            if f.size > limit:
                raise forms.ValidationError(
                    _("文件“%(name)s”太大了，每个不能超过 %(mb)d MB。")
                    % {"name": f.name[-60:], "mb": limit // (1024 * 1024)}
                )
        return files


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("请输入查询码。")},
    )
    pin = forms.CharField(
        label=_("查询密码"),
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("请输入查询密码。")},
    )


class ReplyForm(ScopedForm):
    body = forms.CharField(
        label=_("公开回复"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "求助人凭查询码和密码可以看到这段话。不要写工作人员姓名、对方当事人信息或内部意见。"
        ),
        error_messages={"required": _("请填写要回复给求助人的内容。")},
    )


class KnowledgePageForm(ScopedForm):
    kind = forms.ChoiceField(label=_("类型"), choices=choices.PageKind.choices)
    title = forms.CharField(label=_("标题"), max_length=100)
    body = forms.CharField(
        label=_("正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=KnowledgePage._meta.get_field("body").help_text,
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, max_value=9999, initial=100)
    is_published = forms.BooleanField(label=_("公开"), required=False, initial=True)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ConsultationSlotForm(ScopedForm):
    topic = forms.CharField(label=_("主题"), max_length=100)
    way = forms.ChoiceField(label=_("咨询方式"), choices=choices.ConsultWay.choices)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    where = forms.CharField(
        label=_("地点或电话"),
        max_length=200,
        required=False,
        help_text=ConsultationSlot._meta.get_field("where").help_text,
    )
    is_published = forms.BooleanField(label=_("公开"), required=False, initial=True)

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)
