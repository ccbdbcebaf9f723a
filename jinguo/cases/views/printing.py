"""Printables: the case file for court evidence and the decline notice (不予受理告知书).

The case file ends with a SHA-256 of a canonical JSON of exactly what it shows; the same
hash goes into an access audit row, so a printed copy can later be checked against the
trail and against the record as it stands.
"""

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.masking import mask_name, mask_phone

from .. import choices, selectors
from ..models import Attachment, Mediation, Referral
from .cases import status_label, visible_case


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _person_name(person, reveal: bool) -> str:
    if person is None:
        return ""
    return person.name if reveal else mask_name(person.name)


def case_file_content(user, case, *, reveal: bool) -> dict:
    """Everything the case file shows, as plain values in a fixed order."""
    parties = [
        {
            "role": p.get_role_display(),
            "name": _person_name(p.person, reveal) if p.person_id else "",
            "person_id": p.person_id,
            "description": p.description,
        }
        for p in case.parties.select_related("person")
    ]
    timeline = [
        {
            "at": _local(e.at),
            "kind": e.get_kind_display(),
            "actor": e.actor.real_name if e.actor_id and e.actor else "",
            "unit": e.actor_unit.name if e.actor_unit_id and e.actor_unit else "",
            "from": status_label(e.kind, e.from_status),
            "to": status_label(e.kind, e.to_status),
            "note": e.note,
        }
        for e in selectors.case_timeline(case)
    ]
    referrals = [
        {
            "agency": r.agency.name,
            "status": r.get_status_display(),
            "sent_at": _local(r.sent_at),
            "request": r.request,
            "responded_at": _local(r.responded_at),
            "response_note": r.response_note,
            "report": r.report,
            "closed_at": _local(r.closed_at),
        }
        for r in Referral.objects.restrict(user, "view").filter(case=case).select_related("agency")
    ]
    mediations = [
        {
            "held_at": _local(m.held_at),
            "mode": m.get_mode_display(),
            "place": m.place,
            "parties": m.parties,
            "mediators": m.mediators,
            "statements": m.statements,
            "outcome": m.get_outcome_display(),
            "agreement": m.agreement,
        }
        for m in Mediation.objects.restrict(user, "view")
        .filter(case=case)
        .order_by("held_at", "id")
    ]
    follow_ups = [
        {
            "called_at": _local(f.called_at),
            "caller": f.caller.real_name,
            "satisfaction": f.get_satisfaction_display(),
            "result": f.get_result_display(),
            "note": f.note,
        }
        for f in case.follow_ups.select_related("caller").order_by("called_at", "id")
    ]
    extensions = [
        {
            "requested_at": _local(x.requested_at),
            "days": x.days,
            "reason": x.reason,
            "status": x.get_status_display(),
            "decided_at": _local(x.decided_at),
            "decision_note": x.decision_note,
        }
        for x in case.extensions.order_by("requested_at", "id")
    ]
    attachments = [
        {
            "name": a.original_name,
            "size": a.size,
            "sha256": a.sha256,
            "uploaded_at": _local(a.uploaded_at),
            "description": a.description,
        }
        for a in Attachment.objects.restrict(user, "view").filter(case=case).order_by("id")
    ]
    complainant = ""
    if case.anonymous:
        complainant = _("匿名")
    elif case.complainant_id:
        complainant = _person_name(case.complainant, reveal)
    return {
        "number": case.number,
        "identity": "unmasked" if reveal else "masked",
        "status": case.get_status_display(),
        "channel": case.get_channel_display(),
        "received_at": _local(case.received_at),
        "category": case.category.name,
        "subcategory": case.subcategory.name if case.subcategory_id else "",
        "gbv_type": case.get_gbv_type_display() if case.gbv_type else "",
        "urgency": case.get_urgency_display(),
        "is_sensitive": case.is_sensitive,
        "involves_minor": case.involves_minor,
        "unit": f"{case.org.name}（{case.org.code}）",
        "assigned_to": case.assigned_to.real_name if case.assigned_to_id else "",
        "complainant": complainant,
        "caller_phone": case.caller_phone if reveal else mask_phone(case.caller_phone),
        "is_repeat": case.is_repeat,
        "repeat_of": case.repeat_of.number if case.repeat_of_id and case.repeat_of else "",
        "summary": case.summary,
        "narrative": case.narrative,
        "decline_reason": case.decline_reason,
        "accepted_at": _local(case.accepted_at),
        "decide_due_at": _local(case.decide_due_at),
        "finish_due_at": _local(case.finish_due_at),
        "extension_days": case.extension_days,
        "outcome": case.get_outcome_display() if case.outcome else "",
        "outcome_note": case.outcome_note,
        "resolved_at": _local(case.resolved_at),
        "satisfaction": case.get_satisfaction_display() if case.satisfaction else "",
        "closed_at": _local(case.closed_at),
        "parties": parties,
        "timeline": timeline,
        "referrals": referrals,
        "mediations": mediations,
        "follow_ups": follow_ups,
        "extensions": extensions,
        "attachments": attachments,
    }


def canonical_json(content: dict) -> str:
    return json.dumps(
        content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


@login_required
def case_print(request, pk):
    user = request.user
    if not user.has_perm("cases.print_case"):
        raise Http404
    case = visible_case(user, pk)
    reveal = user.has_perm("core.reveal_pii")
    content = case_file_content(user, case, reveal=reveal)
    digest = content_hash(content)
    printed_at = timezone.now()
    audit.record_access(
        user,
        case,
        action="export",
        format="case_file",
        sha256=digest,
        masked=not reveal,
        printed_at=printed_at.isoformat(),
    )
    ctx = {
        "case": case,
        "c": content,
        "sha256": digest,
        "printed_at": printed_at,
        "printed_by": user,
        "reveal": reveal,
        "title": _("个案卷宗 %(number)s") % {"number": case.number},
    }
    return render(request, "cases/case_print.html", ctx)


@login_required
def case_decline_notice(request, pk):
    user = request.user
    if not (user.has_perm("cases.print_case") or user.has_perm("cases.dispatch_case")):
        raise Http404
    case = visible_case(user, pk)
    if case.status != choices.Status.DECLINED:
        raise Http404
    declined = (
        case.events.filter(kind=choices.EventKind.DECLINED).order_by("-at").only("at").first()
    )
    complainant = ""
    if case.complainant_id and not case.anonymous:
        complainant = _person_name(case.complainant, user.has_perm("core.reveal_pii"))
    audit.record_access(user, case, action="export", format="decline_notice")
    ctx = {
        "case": case,
        "complainant": complainant,
        "declined_at": declined.at if declined else case.updated_at,
        "today": timezone.localdate(),
        "title": _("不予受理告知书"),
    }
    return render(request, "cases/decline_notice.html", ctx)
