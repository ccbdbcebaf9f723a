"""The case page and everything done from it: transitions, edit, parties, notes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.people.models import Person

from .. import choices, selectors
from ..forms.cases import ACTION_FORMS, CaseEditForm, NoteForm, PartyAddForm
from ..models import Case, CaseParty
from ..services import intake, workflow
from ..tables.cases import due_html, status_badge, urgency_badge

# Label, icon and button style of each transition, in the order the buttons appear.
ACTIONS = {
    "accept": (gettext_lazy("受理"), "ti-circle-check", "btn-primary"),
    "assign": (gettext_lazy("分派承办人"), "ti-user-share", "btn-primary"),
    "start": (gettext_lazy("开始办理"), "ti-player-play", "btn-primary"),
    "resolve": (gettext_lazy("办结"), "ti-flag-check", "btn-success"),
    "follow_up": (gettext_lazy("回访"), "ti-phone-check", "btn-success"),
    "close": (gettext_lazy("结案"), "ti-archive", "btn-outline-secondary"),
    "pass_down": (gettext_lazy("交办下级"), "ti-arrow-down-right", "btn-outline-primary"),
    "escalate": (gettext_lazy("上报上级"), "ti-arrow-up-right", "btn-outline-primary"),
    "transfer": (gettext_lazy("转办"), "ti-arrows-right-left", "btn-outline-primary"),
    "request_extension": (gettext_lazy("申请延期"), "ti-clock-plus", "btn-outline-warning"),
    "reopen": (gettext_lazy("重新办理"), "ti-rotate", "btn-outline-warning"),
    "decline": (gettext_lazy("不予受理"), "ti-ban", "btn-outline-danger"),
}
TITLES = {
    **{name: meta[0] for name, meta in ACTIONS.items()},
    "note": gettext_lazy("添加办理记录"),
}
SUCCESS = {
    "accept": gettext_lazy("已受理。"),
    "decline": gettext_lazy("已作不予受理处理，可打印《不予受理告知书》。"),
    "assign": gettext_lazy("已分派承办人。"),
    "start": gettext_lazy("已开始办理。"),
    "resolve": gettext_lazy("已办结，等待回访。"),
    "follow_up": gettext_lazy("回访已记录。"),
    "close": gettext_lazy("已结案。"),
    "reopen": gettext_lazy("已重新办理。"),
    "pass_down": gettext_lazy("已交办下级单位。"),
    "escalate": gettext_lazy("已上报上级单位。"),
    "transfer": gettext_lazy("已转办。"),
    "request_extension": gettext_lazy("延期申请已提交，等待审批。"),
    "note": gettext_lazy("办理记录已添加。"),
}


def case_queryset(user, action="view"):
    return Case.objects.restrict(user, action).select_related(
        "org", "category", "subcategory", "assigned_to", "complainant", "created_by", "repeat_of"
    )


def visible_case(user, pk, action="view") -> Case:
    return get_object_or_404(case_queryset(user, action), pk=pk)


def case_header(case) -> dict:
    return {
        "status_badge": status_badge(case),
        "urgency_badge": urgency_badge(case),
        "due_html": due_html(case),
    }


def party_rows(user, case) -> list[dict]:
    parties = list(case.parties.select_related("person"))
    person_ids = [p.person_id for p in parties if p.person_id]
    if case.complainant_id:
        person_ids.append(case.complainant_id)
    visible = set(
        Person.objects.restrict(user, "view").filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    rows = []
    if case.complainant_id and not case.anonymous:
        rows.append(
            {
                "role": _("诉求人"),
                "name": case.complainant.masked_name,
                "person": case.complainant if case.complainant_id in visible else None,
                "description": "",
            }
        )
    for party in parties:
        rows.append(
            {
                "role": party.get_role_display(),
                "name": party.person.masked_name if party.person_id else "",
                "person": party.person if party.person_id in visible else None,
                "description": party.description,
                "pk": party.pk,
            }
        )
    return rows


# How the names an event recorded are shown on the timeline (never ids, never PII).
EVENT_DETAILS = (
    ("unit", gettext_lazy("登记单位：%s"), None),
    ("to_unit", gettext_lazy("移交至：%s"), None),
    ("worker", gettext_lazy("承办人：%s"), None),
    ("agency", gettext_lazy("机构：%s"), None),
    ("repeat_of", gettext_lazy("关联：%s"), None),
    ("outcome_label", "%s", None),
    ("outcome", gettext_lazy("结果：%s"), dict(choices.Outcome.choices)),
    ("result", gettext_lazy("回访结果：%s"), dict(choices.FollowUpResult.choices)),
    ("satisfaction", gettext_lazy("满意度：%s"), dict(choices.Satisfaction.choices)),
    ("role", gettext_lazy("身份：%s"), dict(choices.PartyRole.choices)),
    ("days", gettext_lazy("%s 天"), None),
)


def event_details(data: dict) -> list[str]:
    details = []
    for key, template, labels in EVENT_DETAILS:
        value = (data or {}).get(key)
        if value in (None, "") or (key == "outcome" and "outcome_label" in data):
            continue
        if labels is not None:
            value = labels.get(value, value)
        details.append(str(template) % value)
    return details


def timeline_rows(case) -> list:
    """Timeline events with their status labels and the names the step recorded."""
    events = list(selectors.case_timeline(case))
    for event in events:
        event.from_label = choices.status_label(event.kind, event.from_status)
        event.to_label = choices.status_label(event.kind, event.to_status)
        event.data_labels = event_details(event.data)
    return events


def case_context(user, case) -> dict:
    allowed = workflow.allowed_actions(user, case)
    parties = party_rows(user, case)
    repeats = list(
        Case.objects.restrict(user, "view")
        .filter(repeat_of=case)
        .only("pk", "number", "received_at")
    )
    repeat_of = None
    if case.repeat_of_id:
        repeat_of = Case.objects.restrict(user, "view").filter(pk=case.repeat_of_id).first()
    return {
        "case": case,
        "title": case.number,
        "allowed": allowed,
        "buttons": [
            {"name": name, "label": meta[0], "icon": meta[1], "css": meta[2]}
            for name, meta in ACTIONS.items()
            if name in allowed
        ],
        "parties": parties,
        "timeline": timeline_rows(case),
        "extensions": list(case.extensions.select_related("requested_by", "decided_by")),
        "follow_ups": list(case.follow_ups.select_related("caller")),
        "repeat_of": repeat_of,
        "repeats": repeats,
        "note_form": NoteForm(user=user, case=case) if "note" in allowed else None,
        "can_decline_notice": case.status == choices.Status.DECLINED
        and (user.has_perm("cases.print_case") or user.has_perm("cases.dispatch_case")),
        **case_header(case),
    }


@login_required
def case_detail(request, pk):
    case = selectors.case_open(request.user, pk, queryset=case_queryset(request.user))
    return render(request, "cases/case_detail.html", case_context(request.user, case))


def _not_allowed(request, case):
    messages.warning(
        request, _("个案 %(number)s 当前状态下您不能进行这项操作。") % {"number": case.number}
    )
    return redirect(case.get_absolute_url())


def _after_change(request, case, text):
    """Back to the case, or to the queue when the step took it out of the user's scope."""
    if Case.objects.restrict(request.user, "view").filter(pk=case.pk).exists():
        messages.success(request, text)
        return redirect(case.get_absolute_url())
    messages.success(
        request,
        _("%(text)s 个案 %(number)s 已不在您的管辖范围内。")
        % {"text": text, "number": case.number},
    )
    return redirect("cases:case_list")


def perform_action(action: str, *, user, case, data: dict):
    version = data.get("version")
    if action == "accept":
        return workflow.case_accept(user=user, case=case, note=data["note"], version=version)
    if action == "decline":
        return workflow.case_decline(user=user, case=case, reason=data["reason"], version=version)
    if action == "assign":
        return workflow.case_assign(
            user=user, case=case, worker=data["worker"], note=data["note"], version=version
        )
    if action == "start":
        return workflow.case_start(user=user, case=case, version=version)
    if action == "resolve":
        return workflow.case_resolve(
            user=user,
            case=case,
            outcome=data["outcome"],
            outcome_note=data["outcome_note"],
            version=version,
        )
    if action == "follow_up":
        return workflow.case_follow_up(
            user=user,
            case=case,
            satisfaction=data.get("satisfaction") or "",
            result=data["result"],
            note=data["note"],
            version=version,
        )
    if action == "close":
        return workflow.case_close(user=user, case=case, note=data["note"], version=version)
    if action == "reopen":
        return workflow.case_reopen(user=user, case=case, reason=data["reason"], version=version)
    if action == "pass_down":
        return workflow.case_pass_down(
            user=user, case=case, unit=data["unit"], note=data["note"], version=version
        )
    if action == "escalate":
        return workflow.case_escalate(user=user, case=case, note=data["note"], version=version)
    if action == "transfer":
        return workflow.case_transfer(
            user=user, case=case, unit=data["unit"], note=data["note"], version=version
        )
    if action == "request_extension":
        return workflow.extension_request(
            user=user, case=case, days=data["days"], reason=data["reason"], version=version
        )
    if action == "note":
        return intake.case_add_note(user=user, case=case, note=data["note"], version=version)
    raise Http404


@login_required
def case_action(request, pk, action):
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    user = request.user
    case = visible_case(user, pk)
    if request.method != "POST":
        if action not in workflow.allowed_actions(user, case):
            return _not_allowed(request, case)
        form = form_class(user=user, case=case)
    else:
        form = form_class(request.POST, user=user, case=case)
        if form.is_valid():
            try:
                perform_action(action, user=user, case=case, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
                case = visible_case(user, pk)  # the page shows the case as it is now
            else:
                return _after_change(request, case, str(SUCCESS[action]))
    ctx = {
        "case": case,
        "form": form,
        "action": action,
        "title": TITLES[action],
        "css": ACTIONS.get(action, ("", "", "btn-primary"))[2].replace("btn-outline-", "btn-"),
        **case_header(case),
    }
    return render(request, "cases/case_action.html", ctx)


@login_required
def case_update(request, pk):
    user = request.user
    case = visible_case(user, pk)
    if "edit" not in workflow.allowed_actions(user, case):
        return _not_allowed(request, case)
    if request.method == "POST":
        form = CaseEditForm(request.POST, user=user, case=case)
        if form.is_valid():
            try:
                intake.case_update(user=user, case=case, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_error(exc)
                case = visible_case(user, pk)  # the page shows the case as it is now
            else:
                return _after_change(request, case, _("个案信息已保存。"))
    else:
        selectors.case_opened(user, case, page="edit")  # the form shows the narrative
        form = CaseEditForm(user=user, case=case)
    ctx = {"case": case, "form": form, "title": _("编辑个案"), **case_header(case)}
    return render(request, "cases/case_form.html", ctx)


@login_required
def party_delete(request, pk, party_pk):
    """Remove a party entered by mistake; the timeline and the change log keep who it was."""
    user = request.user
    case = visible_case(user, pk)
    if request.method != "POST" or "edit" not in workflow.allowed_actions(user, case):
        return _not_allowed(request, case)
    party = get_object_or_404(CaseParty, pk=party_pk, case=case)
    try:
        intake.party_remove(user=user, party=party)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("当事人已移除。"))
    return redirect(reverse("cases:case_detail", args=[case.pk]) + "#people")


@login_required
def party_create(request, pk):
    user = request.user
    case = visible_case(user, pk)
    if "edit" not in workflow.allowed_actions(user, case):
        return _not_allowed(request, case)
    if request.method == "POST":
        form = PartyAddForm(request.POST, user=user)
        if form.is_valid():
            try:
                intake.party_add(
                    user=user,
                    case=case,
                    role=form.cleaned_data["role"],
                    person=form.cleaned_data.get("person"),
                    description=(form.cleaned_data.get("description") or "").strip(),
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("当事人已添加。"))
                return redirect(reverse("cases:case_detail", args=[case.pk]) + "#people")
    else:
        form = PartyAddForm(user=user)
    ctx = {"case": case, "form": form, "title": _("添加当事人"), **case_header(case)}
    return render(request, "cases/party_form.html", ctx)
