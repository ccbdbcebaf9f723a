"""Referral pages: the federation's list and the agency's inbox (one URL), the referral page
both sides act on, the referral form of the case page, and the printable urge notice.

An agency member reaches referrals only through her agency (Referral.objects.restrict gives
her nothing else); the case page, other cases and other agencies' referrals are 404 to her.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.people.models import Person

from .. import choices
from ..deadlines import policy_for
from ..filtersets import AgencyInboxFilterSet, ReferralFilterSet
from ..forms.referrals import ReferralActionForm, ReferralCreateForm
from ..models import Case, CaseEvent, Referral
from ..selectors import member_agency, referral_open
from ..services import referrals as services
from ..tables.referrals import AgencyInboxTable, ReferralTable

ACTIONS = {
    # action: (service, keyword of the text, success message)
    "accept": (services.referral_accept, "note", gettext_lazy("已接收该转介。")),
    "decline": (services.referral_decline, "reason", gettext_lazy("已退回该转介。")),
    "report": (services.referral_report, "report", gettext_lazy("办理情况已反馈。")),
    "close": (services.referral_close, "note", gettext_lazy("转介已完结。")),
    "withdraw": (services.referral_withdraw, "reason", gettext_lazy("转介已撤回。")),
    "urge": (services.referral_urge, None, gettext_lazy("已督促该机构办理。")),
}
# The order of the buttons on the page.
ACTION_ORDER = ("accept", "report", "close", "decline", "withdraw", "urge")
REFERRAL_EVENT_KINDS = (
    choices.EventKind.REFERRED,
    choices.EventKind.REFERRAL_ACCEPTED,
    choices.EventKind.REFERRAL_DECLINED,
    choices.EventKind.REFERRAL_REPORTED,
    choices.EventKind.REFERRAL_CLOSED,
    choices.EventKind.REFERRAL_WITHDRAWN,
    choices.EventKind.REFERRAL_URGED,
)


def referral_queryset(user):
    return Referral.objects.restrict(user, "view").select_related(
        "case", "case__category", "case__subcategory", "agency", "org", "sent_by"
    )


def visible_referral(user, pk) -> Referral:
    return get_object_or_404(referral_queryset(user), pk=pk)


# --- list / inbox ---------------------------------------------------------------------------

TAB_PARAM = "tab"
HANDLING = (choices.ReferralStatus.ACCEPTED, choices.ReferralStatus.REPORTED)


class ReferralListView(ObjectListView):
    model = Referral
    filterset_class = ReferralFilterSet
    table_class = ReferralTable
    template_name = "cases/referral_list.html"
    title = gettext_lazy("转介事项")
    export_name = gettext_lazy("转介事项")

    def get(self, request, *args, **kwargs):
        self.agency = member_agency(request.user)
        if self.agency is not None:
            if not request.user.has_perm("cases.respond_referral"):
                raise PermissionDenied
            self.filterset_class = AgencyInboxFilterSet
            self.table_class = AgencyInboxTable
            self.title = _("本机构转介事项")
            if request.GET.get("export"):
                raise PermissionDenied
            # ObjectListView.get checks view_referral, which an agency member does not hold.
            return super(ObjectListView, self).get(request, *args, **kwargs)
        return super().get(request, *args, **kwargs)

    def tab_filters(self) -> dict:
        """Tab name -> (label, Q, order): the federation's and the agency's work first."""
        now = timezone.now()
        late = Q(status=choices.ReferralStatus.SENT, due_at__lt=now)
        if self.agency is not None:
            tabs = {
                "overdue": (_("逾期未接收"), late, ("due_at", "pk")),
                "waiting": (_("待接收"), Q(status=choices.ReferralStatus.SENT), ("due_at", "pk")),
                "open": (_("办理中"), Q(status__in=HANDLING), ("due_at", "pk")),
            }
        else:
            tabs = {
                "overdue": (_("逾期未接收"), late, ("due_at", "pk")),
                "returned": (
                    _("被退回"),
                    Q(
                        status=choices.ReferralStatus.DECLINED,
                        case__status__in=choices.OPEN_STATUSES,
                    ),
                    ("-responded_at", "-pk"),
                ),
                "open": (
                    _("办理中"),
                    Q(status__in=choices.REFERRAL_OPEN_STATUSES),
                    ("due_at", "pk"),
                ),
            }
        tabs["all"] = (_("全部"), Q(), ("-sent_at", "-id"))
        return tabs

    def tab_counts(self) -> dict:
        if not hasattr(self, "_tab_counts"):
            qs = Referral.objects.restrict(self.request.user, "view")
            self._tab_counts = qs.aggregate(
                **{
                    name: Count("pk", filter=q) if q else Count("pk")
                    for name, (_label, q, _order) in self.tab_filters().items()
                }
            )
        return self._tab_counts

    def tab_name(self) -> str:
        tabs = self.tab_filters()
        name = self.request.GET.get(TAB_PARAM, "")
        if name in tabs:
            return name
        # A link with its own filters (?status=sent) means them over all referrals.
        if any(key not in ("page", "sort", "export") for key in self.request.GET):
            return "all"
        counts = self.tab_counts()
        first = ("overdue", "waiting") if self.agency is not None else ("overdue", "returned")
        return next((n for n in first if counts.get(n)), "all")

    def get_queryset(self):
        _label, q, order = self.tab_filters()[self.tab_name()]
        return (
            super()
            .get_queryset()
            .filter(q)
            .select_related("case", "case__category", "case__subcategory", "agency", "org")
            .order_by(*order)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["agency"] = self.agency
        current = self.tab_name()
        counts = self.tab_counts()
        params = self.request.GET.copy()
        for key in ("page", "export", TAB_PARAM):
            params.pop(key, None)
        rest = params.urlencode()
        ctx["tabs"] = [
            {
                "name": name,
                "label": label,
                "count": counts.get(name, 0),
                "active": name == current,
                "url": "?" + urlencode({TAB_PARAM: name}) + (f"&{rest}" if rest else ""),
            }
            for name, (label, _q, _order) in self.tab_filters().items()
        ]
        ctx["tab"] = current
        if self.agency is not None:
            qs = Referral.objects.restrict(self.request.user, "view")
            ctx["waiting_count"] = qs.filter(status=choices.ReferralStatus.SENT).count()
            ctx["overdue_count"] = qs.filter(
                status=choices.ReferralStatus.SENT, due_at__lt=timezone.now()
            ).count()
        return ctx


# --- the referral page ----------------------------------------------------------------------


def identity_rows(referral: Referral, *, full: bool) -> list[dict]:
    """The people of the case as the agency may see them: in full for an agency member when
    identity is shared, masked for the federation's own staff (the case page reveals)."""
    case = referral.case
    rows, seen = [], set()

    def person_row(person: Person, role: str) -> dict:
        return {
            "role": role,
            "name": person.name if full else person.masked_name,
            "gender": person.get_gender_display(),
            "age": person.age(),
            "phone": person.phone if full else person.masked_phone,
            "id_number": person.id_number if full else person.masked_id_number,
            "person": person,
        }

    if case.complainant_id:
        rows.append(person_row(case.complainant, _("诉求人")))
        seen.add(case.complainant_id)
    for party in case.parties.select_related("person"):
        if party.person_id and party.person_id not in seen:
            seen.add(party.person_id)
            rows.append(person_row(party.person, party.get_role_display()))
        elif not party.person_id:
            rows.append(
                {
                    "role": party.get_role_display(),
                    "description": party.description if full else "",
                }
            )
    return rows


def referral_events(referral: Referral) -> list[CaseEvent]:
    events = CaseEvent.objects.filter(
        case_id=referral.case_id, kind__in=REFERRAL_EVENT_KINDS
    ).select_related("actor", "actor_unit")
    return [e for e in events if e.data.get("referral_id") == referral.pk]


def detail_context(request, referral: Referral, forms=None) -> dict:
    user = request.user
    agency = member_agency(user)
    allowed = services.referral_allowed_actions(user, referral)
    actions = []
    for name in ACTION_ORDER:
        if name in allowed:
            form = (forms or {}).get(name) or ReferralActionForm(user=user, action=name)
            actions.append({"name": name, "form": form})
    shared = referral.share_identity and not referral.case.anonymous
    return {
        "title": _("转介 · %(number)s") % {"number": referral.case.number},
        "referral": referral,
        "case": referral.case,
        "is_agency": agency is not None,
        "actions": actions,
        "allowed": allowed,
        "identity_shared": shared,
        "people": identity_rows(referral, full=agency is not None) if shared else [],
        "events": referral_events(referral),
        "reports": [r for r in (referral.report or "").split("\n\n") if r.strip()],
        "can_open_case": agency is None
        and Case.objects.restrict(user, "view").filter(pk=referral.case_id).exists(),
    }


class ReferralDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        referral = referral_open(request.user, pk, queryset=referral_queryset(request.user))
        return render(request, "cases/referral_detail.html", detail_context(request, referral))


class ReferralActionView(LoginRequiredMixin, View):
    """POST one action from the referral page; a refused or incomplete one re-renders the page
    with the text kept."""

    def post(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404
        referral = visible_referral(request.user, pk)
        service, keyword, done = ACTIONS[action]
        form = ReferralActionForm(request.POST, user=request.user, action=action)
        if action not in services.referral_allowed_actions(request.user, referral):
            messages.error(request, _("该转介当前不能进行此项操作，页面已刷新。"))
            return redirect(referral.get_absolute_url())
        if form.is_valid():
            kwargs = {keyword: form.cleaned_data.get("text", "")} if keyword else {}
            try:
                service(user=request.user, referral=referral, **kwargs)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, done)
                return redirect(referral.get_absolute_url())
        ctx = detail_context(request, referral, forms={action: form})
        ctx["open_action"] = action
        return render(request, "cases/referral_detail.html", ctx, status=400)


# --- the referral form of the case page -----------------------------------------------------


class ReferralCreateView(ServiceFormView):
    form_class = ReferralCreateForm
    permission_required = "cases.add_referral"
    template_name = "cases/referral_form.html"
    title = gettext_lazy("转介到合作机构")

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            qs = Case.objects.restrict(self.request.user, "view").select_related("category")
            self._case = get_object_or_404(qs, pk=self.kwargs["case_pk"])
        return self._case

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["agencies"] = list(services.agencies_for(self.request.user).order_by("kind", "name"))
        return kwargs

    def consent_people(self) -> list[dict]:
        """The people whose consent a referral with identity needs, with where to record it."""
        user = self.request.user
        case = self.get_case()
        people = {p.pk: p for p in ([case.complainant] if case.complainant_id else [])}
        parties = case.parties.filter(role__in=services.CONSENT_ROLES, person__isnull=False)
        for party in parties.select_related("person"):
            people.setdefault(party.person_id, party.person)
        people = list(people.values())
        visible = set(
            Person.objects.restrict(user, "view")
            .filter(pk__in=[p.pk for p in people])
            .values_list("pk", flat=True)
        )
        return [
            {
                "masked_name": p.masked_name,
                "url": reverse("people:person_detail", args=[p.pk]) + "#consents"
                if p.pk in visible
                else "",
                "add_url": reverse("people:consent_create") + f"?person={p.pk}"
                if p.pk in visible and user.has_perm("people.add_consent")
                else "",
            }
            for p in people
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        ctx.update(
            case=self.get_case(),
            cancel_url=self.get_case().get_absolute_url(),
            consent_people=self.consent_people(),
            consent_refused=form.is_bound and "share_identity" in form.errors,
        )
        return ctx

    def perform(self, form):
        return services.referral_create(
            user=self.request.user, case=self.get_case(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        messages.success(
            self.request,
            _("已转介给%(agency)s，答复期限 %(due)s。")
            % {
                "agency": result.agency.name,
                "due": timezone.localtime(result.due_at).strftime("%Y-%m-%d %H:%M")
                if result.due_at
                else "—",
            },
        )
        return result.get_absolute_url()


# --- the urge notice ------------------------------------------------------------------------


class ReferralUrgeNoticeView(LoginRequiredMixin, View):
    """督促处理意见: printed by the referring federation for an overdue referral."""

    def get(self, request, pk):
        if member_agency(request.user) is not None:
            raise Http404
        referral = visible_referral(request.user, pk)
        if not referral.is_overdue:
            raise Http404
        now = timezone.now()
        policy = policy_for(referral.case)
        audit.record_access(
            request.user,
            referral,
            action="open",
            mode="print_urge_notice",
            case_id=referral.case_id,
        )
        return render(
            request,
            "cases/referral_urge_notice.html",
            {
                "referral": referral,
                "case": referral.case,
                "days_overdue": max(1, (now - referral.due_at).days),
                "reply_amount": policy.referral_amount,
                "reply_unit": policy.get_referral_unit_display(),
                "today": timezone.localdate(),
                "unit": referral.org,
            },
        )
