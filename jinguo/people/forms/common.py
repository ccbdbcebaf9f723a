"""What the forms of the records around a person share: the base form, the date and worker
fields.

Every choice field is scoped through restrict() for the user filling the form; the services
check everything again. The person or household a record hangs off travels as a hidden field
(set from ``?person=`` / ``?household=``); an error on it is shown at the top of the form.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, style_fields

from ..selectors.common import assignable_workers
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons

OUT_OF_SCOPE = _("该记录不存在或不在您的管辖范围内。")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(
        label=label, required=required, initial=initial, widget=DateInput, help_text=help_text
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = getattr(obj.home_unit, "name", "")
        return f"{obj.real_name or obj.username}（{unit}）" if unit else str(obj)


class RelatedForm(ScopedForm):
    """Hidden target fields report their errors at the top of the form (a service's errors
    go there too: see ServiceErrorsMixin)."""

    def full_clean(self):
        super().full_clean()
        if not self._errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                for error in self._errors.pop(name):
                    self._errors.setdefault(NON_FIELD_ERRORS, self.error_class()).append(error)
                self.cleaned_data.pop(name, None)

    def _target_fields(self, *, person=True, household=False):
        if person:
            self.fields["person"] = forms.ModelChoiceField(
                queryset=visible_persons(self.user),
                required=not household,
                widget=forms.HiddenInput,
                error_messages={"invalid_choice": OUT_OF_SCOPE, "required": OUT_OF_SCOPE},
            )
        if household:
            self.fields["household"] = forms.ModelChoiceField(
                queryset=visible_households(self.user),
                required=False,
                widget=forms.HiddenInput,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            )

    def _worker_field(self, name, label, *, required=True, help_text=""):
        self.fields[name] = WorkerChoiceField(
            queryset=assignable_workers(self.user).select_related("home_unit"),
            label=label,
            required=required,
            help_text=help_text,
            empty_label=_("请选择"),
        )
        style_fields(self)

    def clean(self):
        data = super().clean()
        if (
            "person" in self.fields
            and "household" in self.fields
            and not data.get("person")
            and not data.get("household")
            and not self.has_error("person")
            and not self.has_error("household")
        ):
            raise forms.ValidationError(_("请从人员或家庭页面进入，选择走访或联系的对象。"))
        return data
