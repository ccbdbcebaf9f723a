"""Pages of 妇女议事会: councils and their members, the council's record for a year,
meetings with their resolutions and follow-ups, and the list of resolutions (overdue ones)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import permitted_actions

from .. import forms, selectors
from ..choices import ResolutionStatus
from ..filtersets import CouncilFilterSet, ResolutionFilterSet
from ..models import Council, Meeting, Resolution
from ..services import councils
from ..tables import CouncilTable, ResolutionTable
from .common import ObjectActionView, ObjectFormView


class CouncilListView(ObjectListView):
    model = Council
    filterset_class = CouncilFilterSet
    table_class = CouncilTable
    title = _("妇女议事会")
    create_url_name = "volunteers:council_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class CouncilCreateView(ServiceFormView):
    form_class = forms.CouncilForm
    permission_required = "volunteers.add_council"
    title = _("建立妇女议事会")
    success_message = _("妇女议事会已建立，请登记成员。")

    def perform(self, form):
        return councils.council_create(user=self.request.user, **form.cleaned_data)


def _year(request) -> int:
    today = timezone.localdate().year
    try:
        year = int(request.GET.get("year", today))
    except (TypeError, ValueError):
        return today
    return year if 2000 <= year <= today + 1 else today


class CouncilDetailView(LoginRequiredMixin, View):
    """The council with its members, and its record for one year (?year=)."""

    def get(self, request, pk, form=None, form_for=None):
        council = get_object_or_404(
            Council.objects.restrict(request.user, "view").select_related("org"), pk=pk
        )
        year = _year(request)
        can_change = "change" in permitted_actions(request.user, council, ["change"])
        meetings = (
            Meeting.objects.restrict(request.user, "view")
            .filter(council=council, held_on__year=year)
            .prefetch_related("resolutions__followups")
            .order_by("held_on", "id")
        )
        resolutions = Resolution.objects.restrict(request.user, "view").filter(
            meeting__council=council, meeting__held_on__year=year
        )
        return render(
            request,
            "volunteers/council_detail.html",
            {
                "title": council.name,
                "council": council,
                "year": year,
                "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
                "members": selectors.with_shown_names(
                    council.members.select_related("person"), request.user, lambda m: m.person
                ),
                "meetings": meetings,
                "resolution_count": resolutions.count(),
                "done_count": resolutions.filter(status=ResolutionStatus.DONE).count(),
                "can_change": can_change,
                "member_form": (form or forms.MemberForm(user=request.user))
                if can_change
                else None,
                "can_add_meeting": can_change and request.user.has_perm("volunteers.add_meeting"),
            },
        )


class MemberAddView(ObjectActionView):
    model = Council
    form_class = forms.MemberForm
    page_view = CouncilDetailView
    success_message = _("成员已登记。")

    def perform(self, obj, data):
        councils.member_add(user=self.request.user, council=obj, **data)


class MeetingCreateView(ServiceFormView):
    form_class = forms.MeetingForm
    permission_required = "volunteers.add_meeting"
    title = _("登记议事会会议")
    success_message = _("会议已登记，请登记议定事项。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.council = get_object_or_404(
                Council.objects.restrict(request.user, "change"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return councils.meeting_create(
            user=self.request.user, council=self.council, **form.cleaned_data
        )


class MeetingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None, form_for=None):
        meeting = get_object_or_404(
            Meeting.objects.restrict(request.user, "view").select_related("council", "org"), pk=pk
        )
        can_change = "change" in permitted_actions(request.user, meeting, ["change"])
        resolutions = (
            Resolution.objects.restrict(request.user, "view")
            .filter(meeting=meeting)
            .prefetch_related("followups")
        )
        return render(
            request,
            "volunteers/meeting_detail.html",
            {
                "title": str(meeting),
                "meeting": meeting,
                "resolutions": resolutions,
                "can_change": can_change,
                "resolution_form": (
                    (form if form_for is None else None) or forms.ResolutionForm(user=request.user)
                )
                if can_change
                else None,
                # A resolution's follow-up refused: that row shows what was typed and why.
                "followup_bound": form if form_for is not None else None,
                "followup_for": form_for,
                "followup_form": forms.FollowUpForm(user=request.user) if can_change else None,
            },
        )


class MeetingUpdateView(ObjectFormView):
    model = Meeting
    form_class = forms.MeetingUpdateForm
    title = _("修改会议记录")
    success_message = _("会议记录已修改。")

    def get_initial(self):
        return {"topics": self.object.topics, "discussion": self.object.discussion}

    def perform(self, form):
        return councils.meeting_update(
            user=self.request.user, meeting=self.object, **form.cleaned_data
        )


class ResolutionUpdateView(ObjectFormView):
    model = Resolution
    form_class = forms.ResolutionUpdateForm
    title = _("修改议定事项")
    success_message = _("议定事项已修改。")

    def get_initial(self):
        return {"responsible": self.object.responsible, "due_on": self.object.due_on}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"{self.title}：{self.object.text}"
        return ctx

    def perform(self, form):
        return councils.resolution_update(
            user=self.request.user, resolution=self.object, **form.cleaned_data
        )


class ResolutionReopenView(ObjectFormView):
    model = Resolution
    form_class = forms.ReasonForm
    title = _("重新打开议定事项")
    success_message = _("议定事项已重新打开，继续跟进落实。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"{self.title}：{self.object.text}"
        return ctx

    def perform(self, form):
        councils.resolution_reopen(
            user=self.request.user, resolution=self.object, reason=form.cleaned_data["reason"]
        )
        return self.object


class ResolutionAddView(ObjectActionView):
    model = Meeting
    form_class = forms.ResolutionForm
    page_view = MeetingDetailView
    success_message = _("议定事项已登记。")

    def perform(self, obj, data):
        councils.resolution_add(user=self.request.user, meeting=obj, **data)


class FollowUpView(ObjectActionView):
    model = Resolution
    form_class = forms.FollowUpForm
    page_view = MeetingDetailView

    row_form = True

    def page_pk(self, obj):
        return obj.meeting_id

    success_message = _("落实情况已记录。")

    def perform(self, obj, data):
        councils.followup_add(user=self.request.user, resolution=obj, **data)


class ResolutionListView(ObjectListView):
    model = Resolution
    filterset_class = ResolutionFilterSet
    table_class = ResolutionTable
    title = _("议定事项落实")

    def get_queryset(self):
        return super().get_queryset().select_related("meeting__council", "org")


def resolutions_url(**query) -> str:
    from urllib.parse import urlencode

    return reverse("volunteers:resolution_list") + (f"?{urlencode(query)}" if query else "")
