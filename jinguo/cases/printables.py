"""What the printables show: the case file for court evidence (a SHA-256 over a canonical
JSON of exactly what it shows) and the record that it was printed. The pages (cases.views.
printing) and the protection app's evidence bundle both print through here, so every printed
copy is logged the same way.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.masking import mask_name, mask_phone

from . import choices, selectors
from .models import Attachment, Mediation, Referral


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def person_name(person, reveal: bool) -> str:
    if person is None:
        return ""
    return person.name if reveal else mask_name(person.name)


def case_file_content(user, case, *, reveal: bool) -> dict:
    """Everything the case file shows, as plain values in a fixed order."""
    parties = [
        {
            "role": p.get_role_display(),
            "name": person_name(p.person, reveal) if p.person_id else "",
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
            "from": choices.status_label(e.kind, e.from_status),
            "to": choices.status_label(e.kind, e.to_status),
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
        complainant = person_name(case.complainant, reveal)
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


def case_file_printed(user, case, *, reveal: bool) -> tuple[dict, str, object]:
    """The case file's content for ``user`` with its hash and time, logged as an export."""
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
    return content, digest, printed_at


def decline_notice_printed(user, case) -> None:
    audit.record_access(user, case, action="export", format="decline_notice")
