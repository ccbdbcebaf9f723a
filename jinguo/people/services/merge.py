"""Merging a duplicate person into the surviving record, and undoing exactly that merge.

Every row that points at the duplicate (tags, visits, consents, contacts, household links and
any foreign key added later, found through ``Person._meta.related_objects``) moves to the
survivor; the survivor's empty fields are filled from the duplicate; the duplicate is closed
with ``merged_into``. One audit event ("merge") lists every moved row id per model and every
filled field with its value before (empty, so no personal data), which is all
``person_unmerge`` needs to reverse it.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.errors import OutOfScope
from jinguo.core.models import AuditEvent, Share
from jinguo.core.scoping import grants_changed

from .. import choices
from ..models import Consent, ContactAssignment, HouseholdMember, Person, PersonTag, Visit
from .derived import DERIVED_FIELDS, person_fill_derived, person_refresh_sensitivity
from .persons import EDITABLE_FIELDS, _require, _scoped_persons, _write_version, snapshot

MERGE_PERMISSION = "people.merge_person"
# Records whose unit is the person's unit: they follow her to the survivor's unit.
ORG_FOLLOWS_PERSON = (PersonTag, Visit, Consent, ContactAssignment)
# A field holding one of these is "empty" and may be filled from the duplicate.
EMPTY_VALUES = {
    "gender": choices.Gender.UNKNOWN,
    "marital_status": choices.MaritalStatus.UNKNOWN,
    "education": choices.Education.UNKNOWN,
    "employment": choices.Employment.UNKNOWN,
}
FILLABLE_FIELDS = [f for f in EDITABLE_FIELDS if f not in ("name", "id_type")]


def _is_empty(name: str, value) -> bool:
    return value in ("", None) or (name in EMPTY_VALUES and value == EMPTY_VALUES[name])


def _person_relations():
    for rel in Person._meta.related_objects:
        if rel.one_to_many or rel.one_to_one:
            yield rel.related_model, rel.field.name


def _conflicting_ids(model, field: str, survivor: Person, ids: list[int]) -> set[int]:
    """Rows that would duplicate one the survivor already has (a unique rule would refuse)."""
    if model is HouseholdMember:
        households = set(
            HouseholdMember.objects.filter(person=survivor).values_list("household_id", flat=True)
        )
        return set(
            HouseholdMember.objects.filter(pk__in=ids, household_id__in=households).values_list(
                "pk", flat=True
            )
        )
    if model is PersonTag:
        active_types = set(
            PersonTag.objects.filter(person=survivor, ended_on__isnull=True).values_list(
                "tag_type_id", flat=True
            )
        )
        return set(
            PersonTag.objects.filter(
                pk__in=ids, ended_on__isnull=True, tag_type_id__in=active_types
            ).values_list("pk", flat=True)
        )
    return set()


def _repoint(model, field: str, ids: list[int], target: Person, *, follow_org: bool) -> list[int]:
    """Point the rows at ``target``; rows a unique rule refuses stay. Returns the moved ids."""
    values = {field: target}
    if follow_org:
        values.update(org=target.org, org_path=target.org.path)
    try:
        with transaction.atomic():
            model._base_manager.filter(pk__in=ids).update(**values)
        return list(ids)
    except IntegrityError:
        moved = []
        for pk in ids:
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**values)
                moved.append(pk)
            except IntegrityError:
                continue
        return moved


def _person_shares(person: Person):
    return Share.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
    )


def person_merge(*, user, survivor: Person, duplicate: Person, reason: str = "") -> AuditEvent:
    """Move everything of ``duplicate`` onto ``survivor`` and close the duplicate."""
    _require(user, MERGE_PERMISSION)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("不能把档案合并到它自己。"), code="same")
    with transaction.atomic():
        scoped = _scoped_persons(user, "change").select_for_update()
        locked = {p.pk: p for p in scoped.filter(pk__in=[survivor.pk, duplicate.pk])}
        if len(locked) != 2:
            raise OutOfScope(_("档案不存在或不在您的管辖范围内。"))
        survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
        for person in (survivor, duplicate):
            if not person.is_active or person.merged_into_id:
                raise ValidationError(
                    _("档案 #%(pk)d 已停用或已合并，不能再合并。") % {"pk": person.pk},
                    code="inactive",
                )
        before = snapshot(survivor)

        moved, skipped = [], []
        for model, field in _person_relations():
            ids = sorted(
                model._base_manager.filter(**{field: duplicate}).values_list("pk", flat=True)
            )
            if not ids:
                continue
            conflicts = _conflicting_ids(model, field, survivor, ids)
            candidates = [pk for pk in ids if pk not in conflicts]
            follow_org = model in ORG_FOLLOWS_PERSON
            orgs: dict[str, list[int]] = {}
            if follow_org and candidates:
                for pk, org_id in model._base_manager.filter(pk__in=candidates).values_list(
                    "pk", "org_id"
                ):
                    if org_id != survivor.org_id:
                        orgs.setdefault(str(org_id), []).append(pk)
            done = _repoint(model, field, candidates, survivor, follow_org=follow_org)
            left = sorted(conflicts | (set(candidates) - set(done)))
            label = model._meta.label_lower
            if done:
                entry = {"model": label, "field": field, "ids": done}
                if orgs:
                    entry["orgs"] = {k: [pk for pk in v if pk in done] for k, v in orgs.items()}
                moved.append(entry)
            if left:
                skipped.append({"model": label, "field": field, "ids": left})

        # Grants on the duplicate (contact assignments, responsible workers, referrals) follow
        # it, so that whoever could see the duplicate can see the merged record.
        shares = _person_shares(duplicate).filter(revoked_at__isnull=True)
        share_ids = sorted(shares.values_list("pk", flat=True))
        shares.update(object_id=survivor.pk)
        grants_changed()

        # Close the duplicate first: its ID number leaves the unique index before the survivor
        # may take it over.
        duplicate_before = snapshot(duplicate)
        duplicate.merged_into = survivor
        duplicate.is_active = False
        _write_version(duplicate, duplicate.version, ["merged_into", "is_active"])

        filled = {}
        for name in FILLABLE_FIELDS:
            mine, theirs = getattr(survivor, name), getattr(duplicate, name)
            if _is_empty(name, mine) and not _is_empty(name, theirs):
                filled[name] = mine  # empty by definition: no personal data in the log
                setattr(survivor, name, theirs)
        if "id_number" in filled:
            survivor.id_type = duplicate.id_type
        if filled:
            person_fill_derived(survivor)
            fields = [*filled, *DERIVED_FIELDS]
            if "id_number" in filled:
                fields.append("id_type")
                filled["id_type"] = before.get("id_type")
            _write_version(survivor, survivor.version, fields)
        person_refresh_sensitivity(duplicate)
        person_refresh_sensitivity(survivor)
        after_before, after = audit.diff(before, snapshot(survivor))
        return audit.record_change(
            user,
            survivor,
            "merge",
            before=after_before,
            after=after,
            survivor=survivor.pk,
            duplicate=duplicate.pk,
            duplicate_before=audit.diff(duplicate_before, snapshot(duplicate))[0],
            reason=(reason or "").strip()[:200],
            moved=moved,
            skipped=skipped,
            filled=filled,
            shares=share_ids,
        )


def person_unmerge(*, user, merge_event_id: int) -> AuditEvent:
    """Reverse one merge from its audit event: rows back, filled fields emptied, record reopened."""
    _require(user, MERGE_PERMISSION)
    with transaction.atomic():
        event = AuditEvent.objects.filter(
            pk=merge_event_id, action="merge", object_type="people.person"
        ).first()
        if event is None:
            raise ValidationError(_("找不到这次合并的记录。"), code="not_found")
        detail = event.detail
        scoped = _scoped_persons(user, "change").select_for_update()
        locked = {p.pk: p for p in scoped.filter(pk__in=[detail["survivor"], detail["duplicate"]])}
        if len(locked) != 2:
            raise OutOfScope(_("档案不存在或不在您的管辖范围内。"))
        survivor, duplicate = locked[detail["survivor"]], locked[detail["duplicate"]]
        already = AuditEvent.objects.filter(
            action="unmerge", object_type="people.person", object_id=str(survivor.pk)
        ).filter(detail__merge_event=event.pk)
        if already.exists() or duplicate.merged_into_id != survivor.pk:
            raise ValidationError(_("这次合并已经撤销过了。"), code="undone")
        before = snapshot(survivor)

        # Empty the filled fields first (the ID number must leave the survivor before the
        # duplicate takes it back), but keep any value changed since the merge.
        restored, kept = [], []
        for name, value in detail.get("filled", {}).items():
            if name == "id_type":
                continue
            if getattr(survivor, name) == getattr(duplicate, name):
                setattr(survivor, name, Person._meta.get_field(name).to_python(value))
                restored.append(name)
            else:
                kept.append(name)
        if "id_number" in restored and detail["filled"].get("id_type"):
            survivor.id_type = detail["filled"]["id_type"]
            restored.append("id_type")
        if restored:
            person_fill_derived(survivor)
            _write_version(survivor, survivor.version, [*restored, *DERIVED_FIELDS])

        duplicate.merged_into = None
        duplicate.is_active = True
        _write_version(duplicate, duplicate.version, ["merged_into", "is_active"])

        returned, not_returned = [], []
        models = {m._meta.label_lower: m for m, _field in _person_relations()}
        for entry in detail.get("moved", []):
            model = models.get(entry["model"])
            if model is None:
                continue
            field = entry["field"]
            # Only rows still on the survivor go back; rows deleted since are gone.
            ids = list(
                model._base_manager.filter(pk__in=entry["ids"], **{field: survivor}).values_list(
                    "pk", flat=True
                )
            )
            done = _repoint(model, field, ids, duplicate, follow_org=False)
            for org_id, org_ids in entry.get("orgs", {}).items():
                back = [pk for pk in org_ids if pk in done]
                if back:
                    from jinguo.orgs.models import OrgUnit

                    org = OrgUnit.objects.get(pk=int(org_id))
                    model._base_manager.filter(pk__in=back).update(org=org, org_path=org.path)
            if done:
                returned.append({"model": entry["model"], "ids": sorted(done)})
            rest = sorted(set(entry["ids"]) - set(done))
            if rest:
                not_returned.append({"model": entry["model"], "ids": rest})

        share_ids = detail.get("shares", [])
        _person_shares(survivor).filter(pk__in=share_ids).update(object_id=duplicate.pk)
        grants_changed()

        person_refresh_sensitivity(duplicate)
        person_refresh_sensitivity(survivor)
        diff_before, diff_after = audit.diff(before, snapshot(survivor))
        return audit.record_change(
            user,
            survivor,
            "unmerge",
            before=diff_before,
            after=diff_after,
            merge_event=event.pk,
            survivor=survivor.pk,
            duplicate=duplicate.pk,
            returned=returned,
            not_returned=not_returned,
            restored_fields=restored,
            kept_fields=kept,
        )
