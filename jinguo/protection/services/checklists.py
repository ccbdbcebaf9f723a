"""A federation edits its emergency checklists (应急处置清单): which violence types each serves,
within how many hours someone must act, and the steps in their order.

Checklists are federation-wide policy, not scoped records: every write needs
``protection.add_checklisttemplate`` or ``protection.change_checklisttemplate`` and is one
transaction ending with an audit row. A checklist is switched off, never deleted, and a step
already ticked on a case cannot be removed (the case's record keeps it).

- checklist_create(*, user, name, gbv_types, act_within_hours, steps) -> ChecklistTemplate
- checklist_update(*, user, template, name, gbv_types, act_within_hours, is_active)
- checklist_step_add(*, user, template, label, required=True) -> ChecklistStep
- checklist_step_update(*, user, step, label, required) -> ChecklistStep
- checklist_step_remove(*, user, step) -> None
- checklist_step_move(*, user, step, direction) -> ChecklistStep      ("up" | "down")

Among active checklists each violence type has at most one, and at most one serves every type
(``checklist_for`` would otherwise silently pick the older one).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jinguo.cases.choices import GbvType
from jinguo.core import audit

from ..models import ChecklistStep, ChecklistTemplate, EmergencyAction

NAME_MAX = 100
LABEL_MAX = 100
MAX_HOURS = 72
MAX_STEPS = 30
TEMPLATE_FIELDS = ["name", "gbv_types", "act_within_hours", "is_active"]


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied


def _gbv_label(value: str) -> str:
    return str(GbvType(value).label)


def _validate_template(template: ChecklistTemplate, *, steps: int) -> None:
    errors: dict = {}
    template.name = (template.name or "").strip()
    if not template.name:
        errors["name"] = _("请填写清单名称。")
    elif len(template.name) > NAME_MAX:
        errors["name"] = _("名称不能超过 %(n)d 个字。") % {"n": NAME_MAX}
    elif ChecklistTemplate.objects.filter(name=template.name).exclude(pk=template.pk).exists():
        errors["name"] = _("已有名为“%(name)s”的清单。") % {"name": template.name}
    types = template.gbv_types or []
    if not isinstance(types, list) or any(t not in GbvType.values for t in types):
        errors["gbv_types"] = _("请从列表中选择暴力类型。")
    else:
        template.gbv_types = [t for t in GbvType.values if t in set(types)]
    hours = template.act_within_hours
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= MAX_HOURS:
        errors["act_within_hours"] = _("处置时限应为 1 到 %(max)d 之间的整数小时。") % {
            "max": MAX_HOURS
        }
    if template.is_active and not steps:
        errors["is_active"] = _("清单至少要有一个处置事项才能启用。")
    if template.is_active and "gbv_types" not in errors:
        others = ChecklistTemplate.objects.filter(is_active=True).exclude(pk=template.pk)
        for other in others.order_by("pk"):
            if not template.gbv_types and not other.gbv_types:
                errors["gbv_types"] = _(
                    "已有适用于全部暴力类型的启用清单“%(name)s”；请选择适用类型，或先停用该清单。"
                ) % {"name": other.name}
                break
            shared = [t for t in template.gbv_types if t in (other.gbv_types or [])]
            if shared:
                errors["gbv_types"] = _(
                    "“%(types)s”已由启用的清单“%(name)s”适用，同一暴力类型只能有一个启用清单。"
                ) % {"types": "、".join(_gbv_label(t) for t in shared), "name": other.name}
                break
    if errors:
        raise ValidationError(errors)


def _clean_label(label, field="label") -> str:
    label = (label or "").strip()
    if not label:
        raise ValidationError({field: _("请填写处置事项。")})
    if len(label) > LABEL_MAX:
        raise ValidationError({field: _("处置事项不能超过 %(n)d 个字。") % {"n": LABEL_MAX}})
    return label


def checklist_create(
    *, user, name: str, gbv_types=(), act_within_hours: int = 2, steps=()
) -> ChecklistTemplate:
    """A new active checklist with its steps (labels, in order; each required)."""
    _require(user, "protection.add_checklisttemplate")
    labels = [(s or "").strip() for s in steps]
    labels = [s for s in labels if s]
    errors: dict = {}
    if not labels:
        errors["steps"] = _("请至少填写一个处置事项，每行一项。")
    elif len(labels) > MAX_STEPS:
        errors["steps"] = _("处置事项不能超过 %(n)d 项。") % {"n": MAX_STEPS}
    elif any(len(s) > LABEL_MAX for s in labels):
        errors["steps"] = _("每个处置事项不能超过 %(n)d 个字。") % {"n": LABEL_MAX}
    elif len(set(labels)) != len(labels):
        errors["steps"] = _("处置事项有重复。")
    with transaction.atomic():
        template = ChecklistTemplate(
            name=name,
            gbv_types=list(gbv_types or []),
            act_within_hours=act_within_hours,
            is_active=True,
        )
        try:
            _validate_template(template, steps=len(labels) or 1)
        except ValidationError as exc:
            errors = {**exc.message_dict, **errors}
        if errors:
            raise ValidationError(errors)
        template.save(force_insert=True)
        ChecklistStep.objects.bulk_create(
            ChecklistStep(template=template, order=n, label=label, required=True)
            for n, label in enumerate(labels, start=1)
        )
        audit.record_change(
            user,
            template,
            "create",
            after={**audit.snapshot(template), "steps": labels},
            step="checklist_create",
        )
    return template


def _locked_template(pk) -> ChecklistTemplate:
    return ChecklistTemplate.objects.select_for_update().get(pk=pk)


def checklist_update(*, user, template: ChecklistTemplate, **fields) -> ChecklistTemplate:
    _require(user, "protection.change_checklisttemplate")
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        template = _locked_template(template.pk)
        before = audit.snapshot(template, TEMPLATE_FIELDS)
        for name, value in fields.items():
            setattr(template, name, list(value or []) if name == "gbv_types" else value)
        _validate_template(template, steps=template.steps.count())
        after = audit.snapshot(template, TEMPLATE_FIELDS)
        if after == before:
            return template
        template.save(update_fields=[n for n in TEMPLATE_FIELDS if before[n] != after[n]])
        audit.record_change(
            user, template, "update", before=before, after=after, step="checklist_update"
        )
    return template


def checklist_step_add(*, user, template: ChecklistTemplate, label: str, required=True):
    _require(user, "protection.change_checklisttemplate")
    with transaction.atomic():
        template = _locked_template(template.pk)
        label = _clean_label(label)
        steps = template.steps.all()
        if steps.count() >= MAX_STEPS:
            raise ValidationError({"label": _("处置事项不能超过 %(n)d 项。") % {"n": MAX_STEPS}})
        if steps.filter(label=label).exists():
            raise ValidationError({"label": _("清单中已有这一事项。")})
        last = steps.aggregate(m=Max("order"))["m"] or 0
        step = ChecklistStep.objects.create(
            template=template, order=last + 1, label=label, required=bool(required)
        )
        audit.record_change(
            user,
            template,
            "update",
            after={"step_added": label, "required": step.required},
            step="checklist_step_add",
        )
    return step


def _locked_step(step) -> ChecklistStep:
    return ChecklistStep.objects.select_for_update().select_related("template").get(pk=step.pk)


def checklist_step_update(*, user, step: ChecklistStep, label: str, required: bool):
    _require(user, "protection.change_checklisttemplate")
    with transaction.atomic():
        _locked_template(step.template_id)
        step = _locked_step(step)
        label = _clean_label(label)
        if step.template.steps.filter(label=label).exclude(pk=step.pk).exists():
            raise ValidationError({"label": _("清单中已有这一事项。")})
        before = {"label": step.label, "required": step.required}
        after = {"label": label, "required": bool(required)}
        if before == after:
            return step
        step.label, step.required = label, bool(required)
        step.save(update_fields=["label", "required"])
        audit.record_change(
            user,
            step.template,
            "update",
            before={"step": before},
            after={"step": after},
            step="checklist_step_update",
        )
    return step


def checklist_step_remove(*, user, step: ChecklistStep) -> None:
    _require(user, "protection.change_checklisttemplate")
    with transaction.atomic():
        template = _locked_template(step.template_id)
        step = _locked_step(step)
        if EmergencyAction.objects.filter(step=step).exists():
            raise ValidationError(
                _("该事项已在个案中勾选过，不能删除（个案记录要保留它）；可改为非必做。")
            )
        if template.is_active and template.steps.count() <= 1:
            raise ValidationError(_("启用的清单至少要保留一个处置事项；如不再使用，请停用清单。"))
        label = step.label
        step.delete()
        _renumber(template)
        audit.record_change(
            user, template, "update", before={"step_removed": label}, step="checklist_step_remove"
        )


def _renumber(template) -> list[ChecklistStep]:
    steps = list(template.steps.order_by("order", "id"))
    for n, step in enumerate(steps, start=1):
        step.order = n
    ChecklistStep.objects.bulk_update(steps, ["order"])
    return steps


def checklist_step_move(*, user, step: ChecklistStep, direction: str) -> ChecklistStep:
    _require(user, "protection.change_checklisttemplate")
    if direction not in ("up", "down"):
        raise ValidationError(_("无法识别的移动方向。"))
    with transaction.atomic():
        template = _locked_template(step.template_id)
        steps = _renumber(template)
        index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(steps):
            return steps[index]
        steps[index].order, steps[other].order = steps[other].order, steps[index].order
        ChecklistStep.objects.bulk_update([steps[index], steps[other]], ["order"])
        audit.record_change(
            user,
            template,
            "update",
            after={"step_moved": steps[index].label, "direction": direction},
            step="checklist_step_move",
        )
    return steps[index]
