"""The attachment upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .common import BaseForm


def _size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class AttachmentForm(BaseForm):
    """The service checks type, content and size; the form only says what is accepted."""

    upload = forms.FileField(
        label=_("文件"), error_messages={"required": _("请选择要上传的文件。")}
    )
    description = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("例如：验伤报告、聊天记录截图、告诫书。请勿在说明中写当事人姓名。"),
    )

    def __init__(self, *args, allowed=(), max_bytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["upload"].help_text = _("可上传：%(types)s；不超过 %(size)s。") % {
                "types": "、".join(allowed),
                "size": _size_label(max_bytes) if max_bytes else "—",
            }
            self.fields["upload"].widget.attrs["accept"] = ",".join(f".{e}" for e in allowed)
