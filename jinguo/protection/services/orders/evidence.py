"""The evidence bundle: one printable page of what the federation holds about a woman's
violence — her complaints (the case file of each, as the case print shows it), risk
assessments, injury examinations, written warnings and protection orders.

CONTRACT:
- bundle_content(user, person, *, reveal) -> dict  (plain values, fixed order, only records
  restrict(user, "view") gives)
- bundle_print(*, user, person, purpose) -> (EvidenceBundle, content, sha256)

The hash is SHA-256 over the canonical JSON of exactly what the page shows (keys sorted,
no spaces: the case print's canonical form). The print date and the printer's name are shown
but not hashed, so the same records print to the same hash on another day; any change to a
record that goes in changes it. The bundle row records which records went in and the hash;
printing is logged as an export of sensitive data.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.models import Case
from jinguo.cases.printables import canonical_json, case_file_content, content_hash
from jinguo.core import audit
from jinguo.core.masking import mask_name
from jinguo.people.models import Person

from ...models import EvidenceBundle, InjuryRecord, PoliceWarning, ProtectionOrder, RiskAssessment

PURPOSE_MAX = 200

__all__ = ["bundle_content", "bundle_print", "canonical_json", "content_hash"]


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value):
    return value.isoformat() if value else ""


def _name(person, reveal: bool) -> str:
    if person is None:
        return ""
    return person.name if reveal else mask_name(person.name)


def _scoped(model, user, person):
    return model.objects.restrict(user, "view").filter(person=person)


def bundle_content(user, person, *, reveal: bool) -> dict:
    cases = list(
        Case.objects.restrict(user, "view")
        .filter(complainant=person)
        .select_related("org", "category", "subcategory", "assigned_to", "complainant", "repeat_of")
        .order_by("received_at", "pk")
    )
    assessments = list(
        _scoped(RiskAssessment, user, person)
        .select_related("instrument", "assessed_by")
        .order_by("assessed_at", "pk")
    )
    injuries = list(_scoped(InjuryRecord, user, person).order_by("examined_at", "pk"))
    warnings = list(
        _scoped(PoliceWarning, user, person)
        .select_related("police_station", "abuser")
        .order_by("issued_on", "pk")
    )
    orders = list(
        _scoped(ProtectionOrder, user, person)
        .select_related("court", "respondent")
        .prefetch_related("events", "breaches")
        .order_by("created_at", "pk")
    )
    return {
        "person": {"id": person.pk, "name": _name(person, reveal)},
        "identity": "unmasked" if reveal else "masked",
        "cases": [case_file_content(user, case, reveal=reveal) for case in cases],
        "assessments": [
            {
                "id": a.pk,
                "assessed_at": _local(a.assessed_at),
                "instrument": str(a.instrument),
                "assessed_by": a.assessed_by.real_name if a.assessed_by_id else "",
                "score": str(a.score),
                "computed_level": a.get_computed_level_display(),
                "level": a.get_level_display(),
                "judgement_reason": a.judgement_reason,
            }
            for a in assessments
        ],
        "injuries": [
            {
                "id": i.pk,
                "examined_at": _local(i.examined_at),
                "examined_by": i.examined_by,
                "examiner": i.examiner,
                "severity": i.get_severity_display(),
                "result": i.result,
            }
            for i in injuries
        ],
        "warnings": [
            {
                "id": w.pk,
                "document_number": w.document_number,
                "police_station": w.police_station.name,
                "issued_on": _day(w.issued_on),
                "abuser": _name(w.abuser, reveal) if w.abuser_id else "",
                "abuser_description": w.abuser_description,
                "facts": w.facts,
                "prohibition": w.prohibition,
                "served_to": w.served_to,
                "served_at": _local(w.served_at),
            }
            for w in warnings
        ],
        "orders": [
            {
                "id": o.pk,
                "court": o.court.name if o.court_id else "",
                "court_case_number": o.court_case_number,
                "status": o.get_status_display(),
                "applicant": o.get_applicant_kind_display(),
                "respondent": _name(o.respondent, reveal) if o.respondent_id else "",
                "respondent_description": o.respondent_description,
                "accepted_at": _local(o.accepted_at),
                "ruled_at": _local(o.ruled_at),
                "measures": [
                    str(ProtectionOrder._meta.get_field(m).verbose_name)
                    for m in ("ban_violence", "ban_contact", "move_out")
                    if getattr(o, m)
                ],
                "other_measures": o.other_measures,
                "effective_from": _day(o.effective_from),
                "effective_until": _day(o.effective_until),
                "events": [
                    {
                        "at": _local(e.at),
                        "kind": e.get_kind_display(),
                        "new_until": _day(e.new_until),
                        "note": e.note,
                    }
                    for e in o.events.all()
                ],
                "breaches": [
                    {
                        "occurred_at": _local(b.occurred_at),
                        "description": b.description,
                        "police_response": b.police_response,
                        "sanction": b.get_sanction_display(),
                    }
                    for b in sorted(o.breaches.all(), key=lambda b: (b.occurred_at, b.pk))
                ],
            }
            for o in orders
        ],
    }


def bundle_print(*, user, person, purpose: str):
    if not user.has_perm("protection.add_evidencebundle"):
        raise PermissionDenied
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("请填写用途，例如：申请人身安全保护令。")})
    if len(purpose) > PURPOSE_MAX:
        raise ValidationError({"purpose": _("用途不能超过 %(n)d 个字。") % {"n": PURPOSE_MAX}})
    pk = getattr(person, "pk", person)
    person = Person.objects.restrict(user, "view").filter(pk=pk).select_related("org").first()
    if person is None:
        raise ValidationError(_("该当事人不存在或不在您的管辖范围内。"), code="not_found")
    reveal = user.has_perm("core.reveal_pii")
    content = bundle_content(user, person, reveal=reveal)
    digest = content_hash(content)
    with transaction.atomic():
        bundle = EvidenceBundle(
            person=person,
            org=person.org,
            created_by=user,
            purpose=purpose,
            sha256=digest,
            contents={
                "identity": content["identity"],
                "cases": [c["number"] for c in content["cases"]],
                **{
                    key: [row["id"] for row in content[key]]
                    for key in ("assessments", "injuries", "warnings", "orders")
                },
            },
        )
        bundle.save(force_insert=True)
        audit.record_change(user, bundle, "create", after=audit.snapshot(bundle))
        audit.record_access(
            user,
            person,
            action="export",
            format="evidence_bundle",
            bundle_id=bundle.pk,
            sha256=digest,
            masked=not reveal,
        )
    return bundle, content, digest
