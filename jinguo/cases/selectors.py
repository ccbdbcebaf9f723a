"""Reads of the cases app.

CONTRACT:
- visible_cases(user, action="view") -> QuerySet[Case]
- QUEUES: ordered dict name -> label: mine, unassigned, overdue, due_soon, urgent, sensitive,
  follow_up, all (work queues by urgency, then due date; "all" newest first)
- queue_cases(user, name) -> QuerySet[Case]
- queue_counts(user) -> dict[name, int]
- cases_by_phone(user, phone) -> QuerySet[Case]  (caller phone or complainant's phone)
- persons_by_phone(user, phone) -> QuerySet[Person]
- cases_for_person(user, person) -> QuerySet[Case]  (complainant or party; the person page)
- case_timeline(case) -> QuerySet[CaseEvent]
- pass_down_targets(user, case), transfer_targets(user, case) -> QuerySet[OrgUnit]
- assignable_workers(user, case) -> QuerySet[User]
- allowed_actions(user, case) -> set[str]  (re-exported by services.workflow, its contract home)
- member_agency(user) -> Agency | None  (the partner agency she answers for)
- case_open / referral_open / mediation_open(user, pk, *, queryset=None, channel=None)
    -> the record (404 outside scope), its opening logged by the same rule for every door;
    case_opened(user, case, **detail) logs a case a page loaded itself

Every queue is restrict() first and then plain column filters, so that the (org_path, status,
due_at) and (assigned_to, status) indexes serve it; an unknown queue name is the "all" queue.
"""

from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from jinguo.core import audit
from jinguo.core.identity import normalise_phone, validate_phone
from jinguo.core.scoping import may, permitted_actions
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.services.derived import phone_index

from .choices import OPEN_STATUSES, DueState, ExtensionStatus, Status, Urgency
from .deadlines import policy_for
from .models import Agency, AgencyMember, Case, CaseParty, Mediation, Referral

QUEUES = OrderedDict(
    [
        ("mine", _("我的个案")),
        ("unassigned", _("本单位待分派")),
        ("overdue", _("已超期")),
        ("due_soon", _("即将到期")),
        ("urgent", _("紧急")),
        ("sensitive", _("敏感个案")),
        ("follow_up", _("待回访")),
        ("all", _("全部个案")),
    ]
)
# Work queues list what must be done first on top: the most urgent, then the latest (or
# the soonest due). Only 全部个案 is a register, newest first.
URGENCY_RANK = SqlCase(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.PRIORITY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
WORK_ORDER = (URGENCY_RANK.asc(), F("due_at").asc(nulls_last=True), "-received_at", "-pk")
UNASSIGNED_STATUSES = (Status.REGISTERED, Status.ACCEPTED)
HANDLING = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)
MOVABLE = (Status.REGISTERED, *HANDLING)
# Units that handle cases; a grid reports to its community and never owns one.
HANDLING_UNIT = ~Q(kind=UnitKind.GRID)


def visible_cases(user, action: str = "view") -> QuerySet:
    return Case.objects.restrict(user, action)


def _queue_filter(user, name: str) -> Q:
    if name == "mine":
        return Q(assigned_to_id=user.pk, status__in=OPEN_STATUSES)
    if name == "unassigned":
        return Q(org_id=user.home_unit_id, status__in=UNASSIGNED_STATUSES)
    if name == "due_soon":
        return Q(due_state=DueState.SOON, status__in=OPEN_STATUSES)
    if name == "overdue":
        return Q(due_state=DueState.OVERDUE, status__in=OPEN_STATUSES)
    if name == "sensitive":
        return Q(is_sensitive=True, status__in=OPEN_STATUSES)
    if name == "urgent":
        return Q(urgency=Urgency.URGENT, status__in=OPEN_STATUSES)
    if name == "follow_up":
        return Q(status=Status.RESOLVED)
    return Q()


def queue_cases(user, name: str) -> QuerySet:
    cases = visible_cases(user).filter(_queue_filter(user, name))
    if name in QUEUES and name != "all":
        cases = cases.order_by(*WORK_ORDER)
    return cases


def queue_counts(user, *, all_count: int | None = None) -> dict:
    """Every tab's count. The work queues hold open cases only, so their counts are one
    aggregate over the open cases (the cases_case_scope_open index covers it); 全部个案 is a
    count of its own, unless the caller already has it (``all_count``: the queue page showing
    全部个案 unfiltered has just counted it for its pages). Both read the scope by halves
    (core/pages.py): restrict()'s OR of subtree and shares would scan every case of the
    subtree."""
    visible = visible_cases(user).paged()
    open_cases = visible.filter(status__in=OPEN_STATUSES)
    tallies = {
        name: Count("pk", filter=_queue_filter(user, name)) for name in QUEUES if name != "all"
    }
    counts = dict.fromkeys(tallies, 0)
    for half in open_cases.scope_halves() or (open_cases,):
        for name, count in half.aggregate(**tallies).items():
            counts[name] += count
    counts["all"] = visible.count() if all_count is None else all_count
    return {name: counts[name] for name in QUEUES}


def _phone_index(phone: str) -> str:
    try:
        return phone_index(validate_phone(phone))
    except ValidationError:
        text = normalise_phone(phone)
        return phone_index(text) if text else ""


def persons_by_phone(user, phone: str) -> QuerySet:
    index = _phone_index(phone)
    if not index:
        return Person.objects.none()
    return (
        Person.objects.restrict(user, "view")
        .filter(Q(phone_index=index) | Q(phone2_index=index), merged_into__isnull=True)
        .order_by("-is_active", "name_pinyin", "pk")
    )


def cases_by_phone(user, phone: str) -> QuerySet:
    """The caller's earlier appeals: her phone as a caller's, or as a complainant's on file.

    The complainant branch is a sub-select on people's own phone indexes, not a scoped list of
    persons: a case the user may see shows even when its complainant's file is out of reach.
    """
    index = _phone_index(phone)
    if not index:
        return Case.objects.none()
    person_ids = Person.objects.filter(Q(phone_index=index) | Q(phone2_index=index)).values("pk")
    return visible_cases(user).filter(
        Q(caller_phone_index=index) | Q(complainant_id__in=person_ids)
    )


def cases_for_person(user, person) -> QuerySet:
    """The person's appeals (as complainant or party), newest first; repeats show their flag."""
    party_case_ids = CaseParty.objects.filter(person=person).values("case_id")
    return (
        visible_cases(user)
        .filter(Q(complainant=person) | Q(pk__in=party_case_ids))
        .select_related("org", "category", "subcategory")
        .order_by("-received_at", "-pk")
    )


def member_agency(user) -> Agency | None:
    """The partner agency ``user`` answers for, or None for a federation user."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_jinguo_agency"):
        membership = (
            AgencyMember.objects.filter(user_id=user.pk).select_related("agency", "agency__org")
        ).first()
        user._jinguo_agency = membership.agency if membership else None
    return user._jinguo_agency


# --- opening one record: the page, the API and a print log it alike ------------------------


def case_open(user, pk, *, queryset=None, channel: str | None = None) -> Case:
    """The case ``user`` opens (404 outside her scope), logged by ``case_opened``.
    ``queryset``: the door's own scoped queryset (what it loads, the API's filters); by
    default restrict(user, "view")."""
    if queryset is None:
        queryset = visible_cases(user)
    case = get_object_or_404(queryset, pk=pk)
    case_opened(user, case, channel=channel)
    return case


def case_opened(user, case: Case, *, channel: str | None = None, **detail) -> None:
    """Log that ``user`` was shown ``case`` if it is sensitive (violence, sexual violence, a
    minor). For a page that loads the case before deciding to show it (the edit form, which
    shows the narrative); ``detail`` goes into the access row."""
    if case.is_sensitive:
        audit.record_open(user, case, channel=channel, **detail)


def referral_open(user, pk, *, queryset=None, channel: str | None = None) -> Referral:
    """The referral ``user`` opens (404 outside her scope). Logged when it is sensitive, or
    when she answers for the agency and the referral shares the people's identity with it."""
    if queryset is None:
        queryset = Referral.objects.restrict(user, "view").select_related("case")
    referral = get_object_or_404(queryset, pk=pk)
    identity_shared = bool(
        member_agency(user) is not None and referral.share_identity and not referral.case.anonymous
    )
    if referral.is_sensitive or identity_shared:
        audit.record_open(
            user,
            referral,
            channel=channel,
            case_id=referral.case_id,
            identity_shared=identity_shared,
        )
    return referral


def mediation_open(user, pk, *, queryset=None, channel: str | None = None) -> Mediation:
    """The mediation session ``user`` opens (404 outside her scope); a sensitive one is
    logged."""
    if queryset is None:
        queryset = Mediation.objects.restrict(user, "view")
    mediation = get_object_or_404(queryset, pk=pk)
    if mediation.is_sensitive:
        audit.record_open(user, mediation, channel=channel, case_id=mediation.case_id)
    return mediation


def case_timeline(case) -> QuerySet:
    return case.events.select_related("actor", "actor_unit").order_by("at", "pk")


# --- choices for the workflow forms --------------------------------------------------------


def pass_down_targets(user, case) -> QuerySet:
    """Units strictly below the case's owner, when the owner is a unit the user may see (her
    own subtree): nothing to pass down to from a case she holds only through a share."""
    if not may(user, "view", OrgUnit(pk=case.org_id)):
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.restrict(user, "view")
        .filter(path__subtree=case.org_path, is_active=True)
        .filter(HANDLING_UNIT)
        .exclude(pk=case.org_id)
        .order_by("path")
    )


def escalate_target(case):
    parent = case.org.parent
    if parent is None or not parent.is_active:
        return None
    return parent


def transfer_targets(user, case) -> QuerySet:
    """Any other active unit that handles cases (across branches too)."""
    return OrgUnit.objects.filter(is_active=True).filter(HANDLING_UNIT).exclude(pk=case.org_id)


def assignable_workers(user, case) -> QuerySet:
    """Active staff of the owning unit's subtree whose roles let them handle a case. A
    sensitive case is shared with the worker it is assigned to, so she need not hold
    view_sensitive. Partner-agency users never handle a case."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            org_path__subtree=case.org_path,
            roles__permissions__content_type__app_label="cases",
            roles__permissions__codename="change_case",
        )
        .exclude(pk__in=AgencyMember.objects.values("user_id"))
        .distinct()
        .order_by("org_path", "real_name", "pk")
    )


def pending_extensions(case) -> QuerySet:
    return case.extensions.filter(status=ExtensionStatus.PENDING)


# --- what the case page offers -------------------------------------------------------------

CASE_ACTIONS = ("dispatch", "change", "close", "approve")


def is_violence_case(case) -> bool:
    """A case about violence: a violence category or subcategory, or a GBV type recorded."""
    if case.gbv_type:
        return True
    category = case.category if case.category_id else None
    subcategory = case.subcategory if case.subcategory_id else None
    return bool(
        (category is not None and category.is_violence)
        or (subcategory is not None and subcategory.is_violence)
    )


# The Q form of is_violence_case, for queries over many cases.
VIOLENCE_Q = ~Q(gbv_type="") | Q(category__is_violence=True) | Q(subcategory__is_violence=True)


def allowed_actions(user, case) -> set[str]:
    """The buttons the case page shows; assumes the user may view the case."""
    if not getattr(user, "is_authenticated", False):
        return set()
    # The case actions restrict() grants on this case: by role within her subtree, or by a share.
    can = permitted_actions(user, case, CASE_ACTIONS)
    status = case.status
    actions = {"print"} if user.has_perm("cases.print_case") else set()
    if "dispatch" in can:
        if status == Status.REGISTERED:
            actions |= {"accept", "decline"}
        if status in HANDLING:
            actions.add("assign")
        if status in MOVABLE:
            actions.add("transfer")
            if case.org.parent_id:
                actions.add("escalate")
            if pass_down_targets(user, case).exists():
                actions.add("pass_down")
    if "change" in can:
        if status == Status.ASSIGNED:
            actions.add("start")
        if status == Status.IN_PROGRESS:
            actions.add("resolve")
        if case.is_open:
            actions |= {"note", "edit"}
        if status in HANDLING and case.extension_days < policy_for(case).max_extension_days:
            actions.add("request_extension")
    if "close" in can:
        if status == Status.RESOLVED:
            actions |= {"follow_up", "close"}
        if status in (Status.CLOSED, Status.DECLINED):
            actions.add("reopen")
    if "approve" in can:
        pending = case.extensions.filter(status=ExtensionStatus.PENDING)
        if pending.exclude(requested_by_id=user.pk).exists():
            actions.add("approve_extension")
    # Their services lock the case for "change" too.
    if case.is_open and "change" in can:
        for action, perm in (
            ("refer", "cases.add_referral"),
            ("mediate", "cases.add_mediation"),
            ("attach", "cases.add_attachment"),
        ):
            if user.has_perm(perm):
                actions.add(action)
    return actions


def worker_search(queryset, query: str, *, limit: int):
    """Workers of ``queryset`` (already scoped) whose name or login contains what was typed;
    names starting with it first."""
    query = (query or "").strip()
    if not query:
        return []
    rows = list(
        queryset.filter(Q(real_name__contains=query) | Q(username__istartswith=query)).order_by(
            "real_name", "pk"
        )[:limit]
    )
    rows.sort(key=lambda u: not (u.real_name or "").startswith(query))
    return rows
