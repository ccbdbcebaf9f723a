"""Forms of the case page: one small form per transition, the edit form, parties, notes.
Every form that changes a case carries the version the user saw, so a stale submission
becomes a conflict message instead of a lost update."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm
from jinguo.people.models import Person

from .. import choices, selectors
from .intake import CategoryField, split_category


class ActionForm(ScopedForm):
    """A transition of ``case``; ``version`` is the optimistic-lock token."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # The services name the category pair; the form picks both in one field.
    service_error_fields = {"category": "category_node", "subcategory": "category_node"}
    # The case page shows the case as it is now: after a conflict she checks, then submits.
    resubmit_after_conflict = True

    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.initial.setdefault("version", case.version)


def _note(label=None, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label or _("说明"),
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class AcceptForm(ActionForm):
    note = _note(_("受理意见"))


class DeclineForm(ActionForm):
    reason = _note(
        _("不予受理理由"),
        required=True,
        help_text=_("将写入《不予受理告知书》，请写明依据，并告知诉求人可以向哪里反映。"),
    )


class AssignForm(ActionForm):
    worker = forms.ModelChoiceField(label=_("承办人"), queryset=None, empty_label=_("请选择"))
    note = _note(_("分派说明"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        field.queryset = selectors.assignable_workers(self.user, self.case)
        field.label_from_instance = lambda u: f"{u.real_name}（{u.home_unit.name}）"


class StartForm(ActionForm):
    pass


class ResolveForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=[("", _("请选择")), *choices.Outcome.choices]
    )
    outcome_note = _note(_("办结情况"), required=True, rows=4, help_text=_("加密保存。"))


class FollowUpForm(ActionForm):
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        required=False,
        choices=choices.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    result = forms.ChoiceField(
        label=_("回访结果"),
        choices=choices.FollowUpResult.choices,
        widget=forms.RadioSelect,
        help_text=_("诉求人不满意时可重新办理或上报上级。"),
    )
    note = _note(_("回访情况"), help_text=_("加密保存。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and selectors.is_violence_case(self.case):
            # A violence case is never closed because the victim could not be reached.
            R = choices.FollowUpResult
            self.fields["result"].choices = [
                (
                    value,
                    _("无法联系（不结案，提醒单位负责人）") if value == R.UNREACHABLE else label,
                )
                for value, label in R.choices
            ]
            self.fields["result"].help_text = _(
                "家暴个案联系不上当事人时不会结案：个案保持待回访，并提醒单位负责人。"
            )


class CloseForm(ActionForm):
    note = _note(_("结案说明"), required=True)


class ReopenForm(ActionForm):
    reason = _note(_("重新办理的理由"), required=True)


class UnitForm(ActionForm):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, empty_label=_("请选择"))
    note = _note(_("说明"))
    targets = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.targets(self.user, self.case)
        self.fields["unit"].label_from_instance = lambda u: f"{u.name}（{u.code}）"


class PassDownForm(UnitForm):
    targets = staticmethod(selectors.pass_down_targets)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("交办给下级单位")
        self.fields["note"].label = _("交办意见")


class EscalateForm(ActionForm):
    note = _note(_("上报理由"), required=True)


class TransferForm(UnitForm):
    targets = staticmethod(selectors.transfer_targets)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = _("转办给")
        self.fields["note"].label = _("转办理由")
        self.fields["note"].required = True


class ExtensionRequestForm(ActionForm):
    days = forms.IntegerField(
        label=_("延期天数"),
        min_value=1,
        max_value=90,
        initial=30,
        help_text=_("《信访工作条例》规定办结期限最多可延长 30 日。"),
    )
    reason = _note(_("延期理由"), required=True)


class NoteForm(ActionForm):
    note = _note(_("办理记录"), required=True, rows=3, help_text=_("加密保存，记入办理过程。"))


class CaseEditForm(ActionForm):
    summary = forms.CharField(label=_("诉求摘要"), max_length=100)
    category_node = CategoryField(label=_("诉求类别"), empty_label=_("请选择类别"))
    gbv_type = forms.ChoiceField(
        label=_("暴力类型"),
        required=False,
        choices=[("", _("不涉及")), *choices.GbvType.choices],
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=choices.Urgency.choices, widget=forms.RadioSelect
    )
    involves_minor = forms.BooleanField(label=_("涉及未成年人"), required=False)
    narrative = forms.CharField(
        label=_("诉求内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("加密保存。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case
        if case is not None and not self.is_bound:
            self.initial.update(
                summary=case.summary,
                category_node=(case.subcategory_id or case.category_id),
                gbv_type=case.gbv_type,
                urgency=case.urgency,
                involves_minor=case.involves_minor,
                narrative=case.narrative,
            )

    def clean(self):
        data = super().clean()
        node = data.get("category_node")
        if node is not None and node.is_violence and not data.get("gbv_type"):
            self.add_error("gbv_type", _("涉及暴力的诉求须选择暴力类型。"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        category, subcategory = split_category(data["category_node"])
        return {
            "version": data["version"],
            "summary": data["summary"].strip(),
            "narrative": data.get("narrative", ""),
            "category": category,
            "subcategory": subcategory,
            "gbv_type": data.get("gbv_type") or "",
            "urgency": data["urgency"],
            "involves_minor": bool(data.get("involves_minor")),
        }


class PartyAddForm(ScopedForm):
    role = forms.ChoiceField(label=_("身份"), choices=choices.PartyRole.choices)
    person = forms.IntegerField(
        label=_("人员档案号"),
        required=False,
        min_value=1,
        help_text=_("此人已建档时填写档案号（人员档案页标题旁的 #号）。"),
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=200,
        help_text=_("未建档时写明此人是谁，如“丈夫，约40岁”。加密保存。"),
    )

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if not pk:
            return None
        person = Person.objects.restrict(self.user, "view").filter(pk=pk).first()
        if person is None:
            raise ValidationError(_("档案 #%(pk)d 不存在或不在您的管辖范围内。") % {"pk": pk})
        return person

    def clean(self):
        data = super().clean()
        described = (data.get("description") or "").strip()
        if not data.get("person") and not described and "person" not in self.errors:
            self.add_error("description", _("请填写档案号或说明。"))
        return data


# The forms of the generic action view, and the service argument each form field feeds.
ACTION_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "assign": AssignForm,
    "start": StartForm,
    "resolve": ResolveForm,
    "follow_up": FollowUpForm,
    "close": CloseForm,
    "reopen": ReopenForm,
    "pass_down": PassDownForm,
    "escalate": EscalateForm,
    "transfer": TransferForm,
    "request_extension": ExtensionRequestForm,
    "note": NoteForm,
}
