"""The upload form of the person import. Its file is received in memory only, like every upload
(``jinguo.core.uploads.MemoryOnlyUploadHandler``)."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm

from ..services.importing import MAX_UPLOAD_BYTES


class PersonImportForm(ScopedForm):
    file = forms.FileField(
        label=_("人员档案文件"),
        error_messages={"empty": _("文件是空的。"), "required": _("请选择要上传的文件。")},
        help_text=_("按导入模板填写的 .xlsx 文件，不超过 20 MB、20 万行。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    confirm_unknown_area = forms.BooleanField(
        required=False,
        label=_("证件号前六位不是已知行政区划代码的，我已核对无误，照常导入"),
        help_text=_("不勾选时，这样的行作为错误列出，整个文件不导入。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix == ".xls":
            raise forms.ValidationError(_("不支持旧版 .xls 文件，请用 Excel 另存为 .xlsx 后上传。"))
        if suffix != ".xlsx":
            raise forms.ValidationError(_("只支持 .xlsx 格式的 Excel 文件。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
