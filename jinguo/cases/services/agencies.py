"""Partner agencies and their users.

CONTRACT:
- agency_create(*, user, org, name, kind, contact_name="", contact_phone="", address="",
  services="") -> Agency
- agency_update(*, user, agency, **same fields) -> Agency
- agency_user_create(*, user, agency, username, real_name, password, phone="") -> User
    (needs core.manage_users; the new account gets the shipped "partner" role, the agency's
    unit as home unit, and an AgencyMember row)
- agency_member_remove(*, user, member) -> None (deactivates nothing; ends the membership)

An agency is kept by a federation unit (``org``) in the user's own subtree. Its users are
outsiders: they hold only the partner role and reach referrals through their membership.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jinguo.accounts.models import Role, User
from jinguo.accounts.services.users import user_create
from jinguo.core import audit
from jinguo.core.masking import mask_name
from jinguo.core.paths import SEPARATOR
from jinguo.core.scoping import grants_changed, may
from jinguo.orgs.models import OrgUnit
from jinguo.people.choices import ConsentPurpose
from jinguo.people.selectors.consents import consent_allows

from ..choices import AgencyKind, PartyRole
from ..models import Agency, AgencyMember, Case

PARTNER_ROLE = "partner"
# Whose consent a referral with identity needs (the complainant always, when on file).
CONSENT_ROLES = (PartyRole.VICTIM, PartyRole.CHILD)
TEXT_FIELDS = ("name", "contact_name", "contact_phone", "address", "services")
MAX_SERVICES = 2000


# --- which agencies a worker may refer to, and what she may share with them -----------------


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.split(SEPARATOR) if c]
    return [SEPARATOR.join(codes[:i]) + SEPARATOR for i in range(1, len(codes) + 1)]


def agencies_for(user) -> QuerySet[Agency]:
    """Active agencies the user may refer to: kept by her home unit, an ancestor of it, or a
    unit below it. Empty for a user who may not refer (agency members included)."""
    if not _active(user) or not user.home_path or not user.has_perm("cases.add_referral"):
        return Agency.objects.none()
    home = user.home_path
    return Agency.objects.filter(is_active=True).filter(
        Q(org_path__in=_ancestor_paths(home)) | Q(org_path__subtree=home)
    )


# --- consent --------------------------------------------------------------------------------


def _persons_needing_consent(case: Case) -> list:
    """The complainant and the victims and children on file, each once, with a role label."""
    found = {}
    if case.complainant_id:
        found[case.complainant_id] = (case.complainant, _("诉求人"))
    parties = case.parties.filter(role__in=CONSENT_ROLES, person__isnull=False)
    for party in parties.select_related("person"):
        found.setdefault(party.person_id, (party.person, party.get_role_display()))
    return list(found.values())


def missing_consents(case: Case, purpose: str) -> list[str]:
    """Masked names (with role) of the people whose consent to ``purpose`` is not on file."""
    return [
        f"{mask_name(person.name)}（{role}）"
        for person, role in _persons_needing_consent(case)
        if not consent_allows(person, purpose)
    ]


def check_sharing_consent(case: Case, purpose: str) -> None:
    missing = missing_consents(case, purpose)
    if missing:
        raise ValidationError(
            {
                "share_identity": _(
                    "以下当事人尚未登记“%(purpose)s”的单独同意：%(people)s。"
                    "请先在人员档案中登记同意，或选择不提供当事人身份信息进行转介。"
                )
                % {"purpose": ConsentPurpose(purpose).label, "people": "、".join(missing)}
            },
            code="consent_missing",
        )


# --- keeping agencies -----------------------------------------------------------------------


def _max(field: str) -> int | None:
    return Agency._meta.get_field(field).max_length


def _require(user, *perms: str) -> None:
    if not user.has_perms(perms):
        raise PermissionDenied


def _clean(values: dict, errors: dict) -> dict:
    cleaned = {k: (values[k] or "").strip() for k in TEXT_FIELDS if k in values}
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = _("请填写机构名称。")
    for field, value in cleaned.items():
        limit = MAX_SERVICES if field == "services" else _max(field)
        if limit and len(value) > limit:
            label = Agency._meta.get_field(field).verbose_name
            errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    if "kind" in values:
        if values["kind"] not in AgencyKind.values:
            errors["kind"] = _("请选择机构类型。")
        cleaned["kind"] = values["kind"]
    return cleaned


def _name_taken(org: OrgUnit, name: str, exclude_pk=None) -> bool:
    rows = Agency.objects.filter(org=org, name=name)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.exists()


def _save(agency: Agency, **kwargs) -> None:
    try:
        with transaction.atomic():
            agency.save(**kwargs)
    except IntegrityError as exc:  # a concurrent creation of the same name
        raise ValidationError({"name": _("本单位已有同名的合作机构。")}) from exc


def agency_create(
    *,
    user,
    org: OrgUnit,
    name: str,
    kind: str,
    contact_name: str = "",
    contact_phone: str = "",
    address: str = "",
    services: str = "",
) -> Agency:
    _require(user, "cases.add_agency")
    errors: dict[str, str] = {}
    cleaned = _clean(
        {
            "name": name,
            "kind": kind,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "address": address,
            "services": services,
        },
        errors,
    )
    if not may(user, "view", org):
        errors["org"] = _("只能选择您管辖范围内的单位。")
    elif "name" not in errors and _name_taken(org, cleaned["name"]):
        errors["name"] = _("本单位已有同名的合作机构。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agency = Agency(org=org, **cleaned)
        _save(agency, force_insert=True)
        audit.record_change(user, agency, "create", after=audit.snapshot(agency))
    return agency


def _locked_agency(user, agency: Agency | int, action: str = "change") -> Agency:
    pk = getattr(agency, "pk", agency)
    found = Agency.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该合作机构不存在，或您无权进行此项操作。"), code="not_found")
    return found


def agency_update(
    *,
    user,
    agency: Agency,
    org: OrgUnit | None = None,
    name: str | None = None,
    kind: str | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    address: str | None = None,
    services: str | None = None,
    is_active: bool | None = None,
) -> Agency:
    """Change an agency's details; None leaves a field as it is."""
    _require(user, "cases.change_agency")
    given = {
        "name": name,
        "kind": kind,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "address": address,
        "services": services,
    }
    errors: dict[str, str] = {}
    cleaned = _clean({k: v for k, v in given.items() if v is not None}, errors)
    with transaction.atomic():
        agency = _locked_agency(user, agency)
        before = audit.snapshot(agency)
        if org is not None and org.pk != agency.org_id:
            if not may(user, "view", org):
                errors["org"] = _("只能选择您管辖范围内的单位。")
            else:
                cleaned["org"] = org
        if is_active is not None:
            cleaned["is_active"] = bool(is_active)
        target_org = cleaned.get("org", agency.org)
        target_name = cleaned.get("name", agency.name)
        if "name" not in errors and _name_taken(target_org, target_name, agency.pk):
            errors["name"] = _("本单位已有同名的合作机构。")
        if errors:
            raise ValidationError(errors)
        changed = [f for f, v in cleaned.items() if getattr(agency, f) != v]
        if not changed:
            return agency
        for field in changed:
            setattr(agency, field, cleaned[field])
        _save(agency, update_fields=changed)
        audit.record_change(user, agency, "update", before=before, after=audit.snapshot(agency))
    return agency


def agency_user_create(
    *, user, agency: Agency, username: str, real_name: str, password: str, phone: str = ""
) -> User:
    """Open an account for one of the agency's staff: partner role, the agency's unit as
    home unit, must change the password at first login."""
    _require(user, "core.manage_users", "accounts.add_user")
    if not (password or "").strip():
        raise ValidationError({"password": _("请设置初始密码。")})
    with transaction.atomic():
        agency = _locked_agency(user, agency, "view")
        if not agency.is_active:
            raise ValidationError(_("该合作机构已停用，不能再添加用户。"))
        role = Role.objects.filter(code=PARTNER_ROLE).first()
        if role is None:
            raise ValidationError(
                _("缺少出厂角色“合作机构用户”，请先运行 manage.py sync_default_roles。")
            )
        created = user_create(
            actor=user,
            username=username,
            real_name=real_name,
            home_unit=agency.org,
            roles=[role],
            phone=phone,
            password=password,
        )
        account = created.user
        member = AgencyMember.objects.create(agency=agency, user=account)
        grants_changed()  # restrict() memoises who belongs to which agency
        audit.record_change(
            user,
            agency,
            "update",
            before={"member_added": None},
            after={"member_added": account.pk, "membership_id": member.pk},
        )
    return account


def agency_member_remove(*, user, member: AgencyMember) -> None:
    """End a membership: the account stays, but no referral reaches it any more."""
    _require(user, "cases.change_agency")
    with transaction.atomic():
        found = (
            AgencyMember.objects.select_for_update()
            .filter(pk=getattr(member, "pk", member))
            .first()
        )
        if found is None:
            raise ValidationError(_("该机构用户不存在，或您无权进行此项操作。"), code="not_found")
        agency = _locked_agency(user, found.agency_id)
        account_id = found.user_id
        found.delete()
        grants_changed()
        audit.record_change(
            user,
            agency,
            "update",
            before={"member_removed": None},
            after={"member_removed": account_id},
        )
