"""Pages of 志愿服务: teams, volunteers (registration, review, record page, certificate),
activities (sign-up, attendance, hours and their confirmation) and 爱心妈妈 pairings."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import permitted_actions

from .. import forms, selectors
from ..choices import RegistrationStatus
from ..filtersets import ActivityFilterSet, CarePairingFilterSet, TeamFilterSet, VolunteerFilterSet
from ..models import Activity, CarePairing, Participation, Team, Volunteer
from ..services import teams
from ..tables import ActivityTable, CarePairingTable, TeamTable, VolunteerTable
from .common import ObjectActionView, ObjectFormView

# --- teams -------------------------------------------------------------------------------------


class TeamListView(ObjectListView):
    model = Team
    filterset_class = TeamFilterSet
    table_class = TeamTable
    title = _("志愿服务队")
    create_url_name = "volunteers:team_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class TeamCreateView(ServiceFormView):
    form_class = forms.TeamForm
    permission_required = "volunteers.add_team"
    title = _("新建志愿服务队")
    success_message = _("服务队已建立。")

    def perform(self, form):
        return teams.team_create(user=self.request.user, **form.cleaned_data)


class TeamUpdateView(ServiceFormView):
    form_class = forms.TeamUpdateForm
    permission_required = "volunteers.change_team"
    title = _("修改志愿服务队")
    success_message = _("服务队已修改。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.team = get_object_or_404(
                Team.objects.restrict(request.user, "change"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name": self.team.name, "purpose": self.team.purpose, "leader": self.team.leader_id}

    def perform(self, form):
        return teams.team_update(user=self.request.user, team=self.team, **form.cleaned_data)


class TeamDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        team = get_object_or_404(
            Team.objects.restrict(request.user, "view").select_related("org", "leader"), pk=pk
        )
        members = (
            Volunteer.objects.restrict(request.user, "view")
            .filter(team=team)
            .select_related("person")
            .annotate(
                confirmed_hours=Sum(
                    "participations__hours",
                    filter=Q(
                        participations__confirmed_at__isnull=False,
                        participations__attended=True,
                    ),
                )
            )
        )
        activities = Activity.objects.restrict(request.user, "view").filter(team=team)
        total = selectors.confirmed_hours(
            Participation.objects.restrict(request.user, "view").filter(activity__team=team)
        )
        return render(
            request,
            "volunteers/team_detail.html",
            {
                "title": team.name,
                "team": team,
                "members": selectors.with_shown_names(members, request.user, lambda v: v.person),
                "activities": activities.annotate(signed=Count("participations"))[:20],
                "total_hours": total,
                "can_change": "change" in permitted_actions(request.user, team, ["change"]),
            },
        )


# --- volunteers --------------------------------------------------------------------------------


class VolunteerListView(ObjectListView):
    model = Volunteer
    filterset_class = VolunteerFilterSet
    table_class = VolunteerTable
    title = _("志愿者")
    create_url_name = "volunteers:volunteer_create"

    def get_queryset(self):
        qs = super().get_queryset().select_related("person", "team", "org")
        return selectors.with_person_visible(qs, self.request.user, "person_id")


class VolunteerCreateView(ServiceFormView):
    form_class = forms.VolunteerForm
    permission_required = "volunteers.add_volunteer"
    title = _("登记志愿者")
    success_message = _("已登记，等待服务队队长审核。")

    def perform(self, form):
        return teams.volunteer_register(user=self.request.user, **form.cleaned_data)


def _volunteer_page(request, pk):
    volunteer = get_object_or_404(
        Volunteer.objects.restrict(request.user, "view").select_related(
            "person", "team__org", "decided_by"
        ),
        pk=pk,
    )
    participations = selectors.volunteer_participations(request.user, volunteer)
    (volunteer,) = selectors.with_shown_names([volunteer], request.user, lambda v: v.person)
    return volunteer, {
        "volunteer": volunteer,
        "participations": participations,
        "hours": selectors.confirmed_hours(participations),
        "pairings": selectors.visible_pairings(request.user)
        .filter(volunteer=volunteer)
        .select_related("child"),
    }


class VolunteerDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, form_for=None):
        volunteer, ctx = _volunteer_page(request, pk)
        can_decide = volunteer.status == RegistrationStatus.PENDING and teams.may_lead(
            request.user, volunteer.team
        )
        ctx.update(
            title=volunteer.shown_name,
            decide_form=(form or forms.DecideForm(user=request.user)) if can_decide else None,
        )
        return render(request, "volunteers/volunteer_detail.html", ctx)


class VolunteerCertificateView(LoginRequiredMixin, View):
    def get(self, request, pk):
        volunteer, ctx = _volunteer_page(request, pk)
        if volunteer.status != RegistrationStatus.APPROVED:
            raise PermissionDenied
        ctx["today"] = timezone.localdate()
        return render(request, "volunteers/certificate.html", ctx)


class VolunteerDecideView(ObjectActionView):
    model = Volunteer
    action = "view"
    form_class = forms.DecideForm
    page_view = VolunteerDetailView
    success_message = _("审核结果已保存。")

    def perform(self, obj, data):
        teams.volunteer_decide(
            user=self.request.user, volunteer=obj, approve=data["approve"], note=data["note"]
        )


# --- activities --------------------------------------------------------------------------------


class ActivityListView(ObjectListView):
    model = Activity
    filterset_class = ActivityFilterSet
    table_class = ActivityTable
    title = _("志愿服务活动")
    create_url_name = "volunteers:activity_create"

    def get_queryset(self):
        return super().get_queryset().select_related("team", "org")


class ActivityCreateView(ServiceFormView):
    form_class = forms.ActivityForm
    permission_required = "volunteers.add_activity"
    title = _("新建志愿服务活动")
    success_message = _("活动已建立，可以报名。")

    def perform(self, form):
        return teams.activity_create(user=self.request.user, **form.cleaned_data)


class ActivityUpdateView(ObjectFormView):
    model = Activity
    form_class = forms.ActivityUpdateForm
    title = _("修改志愿服务活动")
    success_message = _("活动已修改。")

    def get_initial(self):
        a = self.object
        return {"held_on": a.held_on, "title": a.title, "place": a.place, "capacity": a.capacity}

    def perform(self, form):
        return teams.activity_update(
            user=self.request.user, activity=self.object, **form.cleaned_data
        )


class ActivityCancelView(ObjectFormView):
    model = Activity
    form_class = forms.ReasonForm
    title = _("取消志愿服务活动")
    success_message = _("活动已取消。")

    def perform(self, form):
        return teams.activity_cancel(
            user=self.request.user, activity=self.object, reason=form.cleaned_data["reason"]
        )


class ActivityDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, form_for=None):
        activity = get_object_or_404(
            Activity.objects.restrict(request.user, "view").select_related("team", "org"), pk=pk
        )
        can_change = "change" in permitted_actions(request.user, activity, ["change"])
        participations = selectors.with_shown_names(
            activity.participations.select_related("volunteer__person"),
            request.user,
            lambda p: p.volunteer.person,
        )
        # Editable (and cancellable) while it is still to come and nobody has attended.
        can_edit = (
            can_change
            and not activity.is_cancelled
            and not activity.is_past
            and not any(p.attended for p in participations)
        )
        return render(
            request,
            "volunteers/activity_detail.html",
            {
                "title": activity.title,
                "activity": activity,
                "participations": participations,
                "can_change": can_change and not activity.is_cancelled,
                "can_edit": can_edit,
                "can_confirm": teams.may_lead(request.user, activity.team),
                "signup_form": (
                    (form if form_for is None else None)
                    or forms.SignupForm(user=request.user, activity=activity)
                )
                if can_change and not activity.is_cancelled
                else None,
                # A row's hours form refused: that row shows what was typed and why.
                "hours_form": form if form_for is not None else None,
                "hours_for": form_for,
            },
        )


class SignupView(ObjectActionView):
    model = Activity
    form_class = forms.SignupForm
    page_view = ActivityDetailView
    success_message = _("已报名。")

    def form_kwargs(self, obj):
        return {"activity": obj}

    def perform(self, obj, data):
        teams.signup(user=self.request.user, activity=obj, volunteer=data["volunteer"])


class HoursView(ObjectActionView):
    model = Participation
    form_class = forms.HoursForm
    page_view = ActivityDetailView

    row_form = True

    def page_pk(self, obj):
        return obj.activity_id

    success_message = _("出勤和服务时长已登记，待队长确认。")

    def perform(self, obj, data):
        teams.hours_record(
            user=self.request.user,
            participation=obj,
            attended=data["attended"],
            hours=data["hours"],
        )


class ConfirmView(ObjectActionView):
    model = Participation
    action = "view"
    success_message = _("服务时长已确认。")

    def perform(self, obj, data):
        teams.hours_confirm(user=self.request.user, participation=obj)


# --- 爱心妈妈 ------------------------------------------------------------------------------------


class CarePairingListView(ObjectListView):
    model = CarePairing
    filterset_class = CarePairingFilterSet
    table_class = CarePairingTable
    title = _("爱心妈妈结对")
    create_url_name = "volunteers:pairing_create"

    def get_queryset(self):
        qs = selectors.visible_pairings(self.request.user).select_related(
            "volunteer__person", "child", "org"
        )
        return selectors.with_person_visible(qs, self.request.user, "volunteer__person_id")


class CarePairingCreateView(ServiceFormView):
    form_class = forms.CarePairingForm
    permission_required = "volunteers.add_carepairing"
    title = _("登记爱心妈妈结对")
    success_message = _("结对已登记。")

    def perform(self, form):
        return teams.care_pairing_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("volunteers:pairing_list")


# --- hours -------------------------------------------------------------------------------------


class HoursSummaryView(LoginRequiredMixin, View):
    """服务时长统计: confirmed hours of a year by team and unit, and the active volunteers."""

    def get(self, request):
        if not request.user.has_perm("volunteers.view_participation"):
            raise PermissionDenied
        this_year = timezone.localdate().year
        try:
            year = int(request.GET.get("year", this_year))
        except (TypeError, ValueError):
            year = this_year
        if not 2000 <= year <= this_year + 1:
            year = this_year
        rows = list(selectors.hours_by_team(request.user, year))
        return render(
            request,
            "volunteers/hours_summary.html",
            {
                "title": _("服务时长统计"),
                "year": year,
                "years": range(this_year, this_year - 5, -1),
                "rows": rows,
                "units": selectors.hours_by_unit(request.user, rows),
                "total": sum((r["hours"] for r in rows), 0),
                "active": selectors.active_volunteers(request.user, year),
            },
        )
