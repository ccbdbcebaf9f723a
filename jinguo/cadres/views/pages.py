"""Pages of 队伍建设: the roster (任职名册) with its figures and export, positions and their
挂牌上岗 cards, elections (换届), contact points and visits, pairings, trainings."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from openpyxl import Workbook

from jinguo.core import audit
from jinguo.core.exports import safe_cell, xlsx_response
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import permitted_actions
from jinguo.people.selectors.persons import visible_persons

from .. import selectors
from ..filtersets import (
    ContactPointFilterSet,
    ElectionFilterSet,
    PairingFilterSet,
    PositionFilterSet,
    QualificationFilterSet,
    TrainingFilterSet,
)
from ..forms import pages as forms
from ..models import Candidate, ContactPoint, Election, Pairing, Position, Qualification, Training
from ..services import contacts, positions, trainings
from ..tables import (
    ContactPointTable,
    ElectionTable,
    PairingTable,
    PositionTable,
    QualificationTable,
    TrainingTable,
)

# --- the roster --------------------------------------------------------------------------------


class PositionListView(ObjectListView):
    model = Position
    filterset_class = PositionFilterSet
    table_class = PositionTable
    template_name = "cadres/roster.html"
    title = _("任职名册")
    export_name = _("任职名册")
    create_url_name = "cadres:position_create"

    # A province's roster holds a million rows: the pages count at most ROSTER_COUNT_CAP of
    # them, and the figures (exact totals included) come in their own request.
    paginator_class = selectors.CappedPaginator

    def get_queryset(self):
        return selectors.roster_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The fragment takes the filter form's values (hx-include), so it follows every change.
        ctx["summary_url"] = reverse("cadres:roster_summary")
        return ctx

    def export(self, request):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.table_class(qs, request=request)
        content, rows = roster_workbook(table, selectors.roster_summary(qs))
        audit.record_access(
            request.user,
            action="export",
            object_type="cadres.position",
            rows=rows,
            filters={k: v for k, v in request.GET.items() if k != "export"},
        )
        return xlsx_response(content, str(self.export_name))


class RosterSummaryView(LoginRequiredMixin, View):
    """The roster's figures for the same filters as the list (an htmx fragment): counted in
    the database, apart from the list so that the list never waits for them."""

    def get(self, request):
        if not request.user.has_perm("cadres.view_position"):
            raise PermissionDenied
        queryset = selectors.roster_queryset(request.user)
        filterset = PositionFilterSet(request.GET, queryset=queryset, request=request)
        qs = filterset.qs if filterset.is_valid() else queryset.none()
        return render(
            request,
            "cadres/partials/roster_summary.html",
            {"summary": selectors.roster_summary(qs)},
        )


def roster_workbook(table, summary) -> tuple[bytes, int]:
    """The roster's rows on one sheet, its figures on a second (统计)."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("名册"))
    rows = 0
    for i, values in enumerate(table.as_values()):
        ws.append([safe_cell("" if v is None else str(v)) for v in values])
        rows += 0 if i == 0 else 1
    stats = wb.create_sheet(str(_("统计")))
    stats.append([str(_("项目")), str(_("分类")), str(_("人数"))])
    stats.append([str(_("合计")), str(_("任职")), summary["positions"]])
    stats.append([str(_("合计")), str(_("人数")), summary["persons"]])
    for label, key in [
        (_("职务"), "by_position"),
        (_("性别"), "by_sex"),
        (_("年龄段"), "by_age"),
        (_("文化程度"), "by_education"),
    ]:
        for name, count in summary[key]:
            stats.append([str(label), safe_cell(str(name)), count])
    stats.append([str(_("执委会成员")), str(_("人数")), summary["executives"]])
    stats.append([str(_("执委会成员")), str(_("兼任网格员")), summary["executives_grid"]])
    stats.append([str(_("执委会成员")), str(_("兼任网格员比例（%）")), summary["grid_share"] or 0])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue(), rows


def _position(user, pk, action="view"):
    return get_object_or_404(selectors.roster_queryset(user).restrict(user, action), pk=pk)


class PositionDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        position = _position(request.user, pk)
        allowed = permitted_actions(request.user, position, ["change"])
        history = selectors.roster_queryset(request.user).filter(person=position.person)
        return render(
            request,
            "cadres/position_detail.html",
            {
                "title": _("任职"),
                "position": position,
                "can_change": "change" in allowed,
                "history": history.order_by("-started_on")[:30],
            },
        )


class PositionCardView(LoginRequiredMixin, View):
    """The printable 挂牌上岗 card of an executive member: no private phone, only the contact
    way she chose to publish."""

    def get(self, request, pk):
        position = _position(request.user, pk)
        if not position.position_type.is_executive:
            raise Http404
        return render(request, "cadres/card.html", {"position": position})


class PositionCreateView(ServiceFormView):
    form_class = forms.PositionForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_position"
    title = _("新增任职")
    success_message = _("任职已登记。")

    def get_initial(self):
        initial = {"started_on": timezone.localdate()}
        for name in ("person", "org"):
            if (value := self.request.GET.get(name, "")).isdigit():
                initial[name] = value
        return initial

    def perform(self, form):
        d = form.cleaned_data
        return positions.position_create(
            user=self.request.user,
            org=d["org"],
            person=d["person"],
            position_type=d["position_type"],
            employment=d["employment"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            account=d["account"],
            helps_with=d["helps_with"],
            public_contact=d["public_contact"],
            note=d["note"],
        )


class PositionUpdateView(ServiceFormView):
    form_class = forms.PositionForm
    template_name = "cadres/form.html"
    title = _("修改任职")
    success_message = _("任职已修改。")

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = _position(self.request.user, self.kwargs["pk"], "change")
        return self._object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["creating"] = False
        return kwargs

    def get_initial(self):
        p = self.get_object()
        return {
            "position_type": p.position_type_id,
            "employment": p.employment,
            "started_on": p.started_on,
            "ended_on": p.ended_on,
            "account": p.user_id,
            "helps_with": p.helps_with,
            "public_contact": p.public_contact,
            "note": p.note,
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return positions.position_update(
            user=self.request.user,
            position=self.get_object(),
            position_type=d["position_type"],
            employment=d["employment"],
            started_on=d["started_on"],
            ended_on=d["ended_on"],
            account=d["account"],
            helps_with=d["helps_with"],
            public_contact=d["public_contact"],
            note=d["note"],
        )


# --- elections -----------------------------------------------------------------------------------


class ElectionListView(ObjectListView):
    model = Election
    template_name = "cadres/list.html"
    filterset_class = ElectionFilterSet
    table_class = ElectionTable
    title = _("换届选举")
    create_url_name = "cadres:election_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class ElectionCreateView(ServiceFormView):
    form_class = forms.ElectionForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_election"
    title = _("登记换届选举")
    success_message = _("换届选举已登记，请登记候选人和得票。")

    def get_initial(self):
        return {"held_on": timezone.localdate(), "term_starts_on": timezone.localdate()}

    def perform(self, form):
        d = form.cleaned_data
        return positions.election_create(
            user=self.request.user,
            org=d["org"],
            held_on=d["held_on"],
            method=d["method"],
            term_starts_on=d["term_starts_on"],
            term_years=d["term_years"],
            voters_total=d["voters_total"],
            voters_present=d["voters_present"],
            notes=d["notes"],
        )


def _election(user, pk, action="view"):
    return get_object_or_404(
        Election.objects.restrict(user, action).select_related("org", "decided_by"), pk=pk
    )


class ElectionDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, candidate_form=None, decision_form=None):
        election = _election(request.user, pk)
        allowed = permitted_actions(request.user, election, ["change", "approve"])
        editable = "change" in allowed and election.status == "recorded"
        may_decide = (
            "approve" in allowed
            and election.status == "reported"
            and election.org_id != request.user.home_unit_id
        )
        return render(
            request,
            "cadres/election_detail.html",
            {
                "title": _("换届选举"),
                "election": election,
                "candidates": election.candidates.select_related("person", "position_type"),
                "editable": editable,
                "may_decide": may_decide,
                "candidate_form": candidate_form
                or (
                    forms.CandidateForm(user=request.user, election=election) if editable else None
                ),
                "decision_form": decision_form
                or (forms.DecisionForm(user=request.user) if may_decide else None),
                "positions": election.positions.select_related("person", "position_type"),
            },
        )


class CandidateAddView(ElectionDetailView):
    def post(self, request, pk):
        election = _election(request.user, pk, "change")
        form = forms.CandidateForm(request.POST, user=request.user, election=election)
        if form.is_valid():
            d = form.cleaned_data
            try:
                positions.candidate_add(
                    user=request.user,
                    election=election,
                    person=d["person"],
                    position_type=d["position_type"],
                    votes=d["votes"],
                    elected=d["elected"],
                    employment=d["employment"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("候选人已登记。"))
                return redirect(election.get_absolute_url())
        return self.get(request, pk, candidate_form=form)


class CandidateRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk, candidate_pk):
        election = _election(request.user, pk, "change")
        candidate = get_object_or_404(Candidate, pk=candidate_pk, election=election)
        try:
            positions.candidate_remove(user=request.user, candidate=candidate)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(election.get_absolute_url())


class ElectionReportView(LoginRequiredMixin, View):
    def post(self, request, pk):
        election = _election(request.user, pk, "change")
        try:
            positions.election_report(user=request.user, election=election)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("选举结果已报上级。"))
        return redirect(election.get_absolute_url())


class ElectionDecideView(ElectionDetailView):
    def post(self, request, pk):
        election = _election(request.user, pk, "approve")
        form = forms.DecisionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                election = positions.election_decide(
                    user=request.user,
                    election=election,
                    approve=form.cleaned_data["approve"],
                    note=form.cleaned_data["decision_note"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if election.status == "in_effect":
                    messages.success(request, _("已批准，新一届名册已生效。"))
                elif election.status == "approved":
                    messages.success(request, _("已批准，名册将在新一届任期开始之日更新。"))
                else:
                    messages.success(request, _("已批复不予批准。"))
                return redirect(election.get_absolute_url())
        return self.get(request, pk, decision_form=form)


# --- contact points ------------------------------------------------------------------------------


class ContactPointListView(ObjectListView):
    model = ContactPoint
    template_name = "cadres/list.html"
    filterset_class = ContactPointFilterSet
    table_class = ContactPointTable
    title = _("联系点")
    export_name = _("联系点")
    create_url_name = "cadres:point_create"

    def get_queryset(self):
        return super().get_queryset().select_related("place", "org", "cadre_user", "cadre_person")


class ContactPointCreateView(ServiceFormView):
    form_class = forms.ContactPointForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_contactpoint"
    title = _("新增联系点")
    success_message = _("联系点已登记。")

    def perform(self, form):
        d = form.cleaned_data
        return contacts.point_create(
            user=self.request.user,
            org=d["org"],
            place=d["place"],
            cadre_user=d["cadre_user"],
            cadre_person=d["cadre_person"],
            visit_every_days=d["visit_every_days"],
            tasks=d["tasks"],
            since=d["since"],
        )


def _point(user, pk):
    return get_object_or_404(
        ContactPoint.objects.restrict(user, "view").select_related(
            "place", "org", "cadre_user", "cadre_person"
        ),
        pk=pk,
    )


class ContactPointDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        point = _point(request.user, pk)
        # The visits' findings are what she heard at people's doors: reading them is logged.
        audit.record_open(request.user, point)
        visits = list(point.visits.select_related("case", "recorded_by", "met_person")[:50])
        # A person met is named only to those who may see her file.
        seen = set(
            visible_persons(request.user)
            .filter(pk__in=[v.met_person_id for v in visits if v.met_person_id])
            .values_list("pk", flat=True)
        )
        for visit in visits:
            visit.met_person_shown = visit.met_person if visit.met_person_id in seen else None
        may_change = "change" in permitted_actions(request.user, point, ["change"])
        return render(
            request,
            "cadres/point_detail.html",
            {
                "title": _("联系点"),
                "point": point,
                "visits": visits,
                "may_record": contacts._may_record(request.user, point) and not point.ended_on,
                "may_change": may_change and not point.ended_on,
            },
        )


class _PointChangeMixin:
    def get_point(self):
        if not hasattr(self, "_point"):
            point = get_object_or_404(
                ContactPoint.objects.restrict(self.request.user, "change").select_related("place"),
                pk=self.kwargs["pk"],
            )
            if point.ended_on is not None:
                raise Http404
            self._point = point
        return self._point

    def get(self, request, *args, **kwargs):
        self.get_point()
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        self.get_point()
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_point().get_absolute_url()
        return ctx


class ContactPointUpdateView(_PointChangeMixin, ServiceFormView):
    form_class = forms.ContactPointEditForm
    title = _("修改联系点")
    success_message = _("联系点已修改，下次应走访日期已按新频次计算。")

    def get_initial(self):
        point = self.get_point()
        return {"visit_every_days": point.visit_every_days, "tasks": point.tasks}

    def perform(self, form):
        return contacts.point_update(
            user=self.request.user, point=self.get_point(), **form.cleaned_data
        )


class ContactPointEndView(_PointChangeMixin, ServiceFormView):
    form_class = forms.ContactPointEndForm
    title = _("结束联系点")
    success_message = _("联系点已结束，走访记录保留在历史中。")

    def perform(self, form):
        d = form.cleaned_data
        return contacts.point_end(
            user=self.request.user,
            point=self.get_point(),
            ended_on=d["ended_on"],
            reason=d["end_reason"],
        )


class VisitCreateView(ServiceFormView):
    """The phone form of a contact-point visit; an appeal taken there becomes a case."""

    form_class = forms.VisitForm
    permission_required = "cadres.add_contactvisit"
    template_name = "cadres/visit_form.html"
    title = _("记录联系点走访")

    def get_point(self):
        if not hasattr(self, "_point"):
            point = contacts.visitable_points(self.request.user).filter(pk=self.kwargs["pk"])
            self._point = get_object_or_404(point.select_related("place"))
            if not contacts._may_record(self.request.user, self._point):
                raise Http404
        return self._point

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "point": self.get_point()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["point"] = self.get_point()
        ctx["cancel_url"] = self.get_point().get_absolute_url()
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return contacts.visit_record(
            user=self.request.user,
            point=self.get_point(),
            visited_on=d["visited_on"],
            way=d["way"],
            met_whom=d["met_whom"],
            met_person=d["met_person"],
            findings=d["findings"],
            follow_up=d["follow_up"],
            appeal=form.appeal(),
        )

    def form_valid(self, form):
        self.get_point()
        return super().form_valid(form)

    def get_success_url(self, result=None):
        if result.case_id:
            messages.success(
                self.request,
                _("走访已记录，诉求已登记为个案 %(n)s。") % {"n": result.case.number},
            )
        else:
            messages.success(self.request, _("走访已记录。"))
        return reverse("cadres:point_detail", args=[result.point_id])

    def get(self, request, *args, **kwargs):
        self.get_point()
        return super().get(request, *args, **kwargs)


# --- one woman, one household --------------------------------------------------------------------


class PairingListView(ObjectListView):
    model = Pairing
    filterset_class = PairingFilterSet
    table_class = PairingTable
    template_name = "cadres/pairing_list.html"
    title = _("一名妇女一户家庭")
    export_name = _("一名妇女一户家庭结对")
    create_url_name = "cadres:pairing_create"

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "woman", "household", "org")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unpaired"] = list(selectors.cadres_without_pairing(self.request.user)[:50])
        return ctx


class PairingCreateView(ServiceFormView):
    form_class = forms.PairingForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_pairing"
    title = _("新增结对（联系一名妇女、一户家庭）")
    success_message = _("结对已登记。")

    def perform(self, form):
        d = form.cleaned_data
        return contacts.pairing_create(
            user=self.request.user,
            org=d["org"],
            cadre=d["cadre"],
            woman=d["woman"],
            household=d["household"],
            year=d["year"],
        )

    def get_success_url(self, result=None):
        return reverse("cadres:pairing_list")


class PairingContactView(ServiceFormView):
    form_class = forms.PairingContactForm
    title = _("记录结对联系")
    success_message = _("联系已记录。")

    def get_pairing(self):
        return get_object_or_404(
            Pairing.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        self.get_pairing()
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        d = form.cleaned_data
        return contacts.pairing_contact(
            user=self.request.user,
            pairing=self.get_pairing(),
            contacted_on=d["contacted_on"],
            way=d["way"],
            note=d["note"],
        )

    def get_success_url(self, result=None):
        return reverse("cadres:pairing_list")


# --- trainings -----------------------------------------------------------------------------------


class TrainingListView(ObjectListView):
    model = Training
    template_name = "cadres/list.html"
    filterset_class = TrainingFilterSet
    table_class = TrainingTable
    title = _("培训")
    create_url_name = "cadres:training_create"

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class TrainingCreateView(ServiceFormView):
    form_class = forms.TrainingForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_training"
    title = _("登记培训")
    success_message = _("培训已登记，请登记学员。")

    def perform(self, form):
        d = form.cleaned_data
        return trainings.training_create(user=self.request.user, **d)


class TrainingDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, form=None):
        training = get_object_or_404(
            Training.objects.restrict(request.user, "view").select_related("org"), pk=pk
        )
        can_change = "change" in permitted_actions(request.user, training, ["change"])
        return render(
            request,
            "cadres/training_detail.html",
            {
                "title": _("培训"),
                "training": training,
                "attendances": training.attendances.select_related("person"),
                "form": form or (forms.AttendanceForm(user=request.user) if can_change else None),
            },
        )

    def post(self, request, pk):
        training = get_object_or_404(Training.objects.restrict(request.user, "change"), pk=pk)
        form = forms.AttendanceForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                trainings.attendance_add(user=request.user, training=training, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("学员已登记。"))
                return redirect(training.get_absolute_url())
        return self.get(request, pk, form=form)


class RetrainingDueView(LoginRequiredMixin, View):
    def get(self, request):
        if not request.user.has_perm("cadres.view_training"):
            raise PermissionDenied
        return render(
            request,
            "cadres/retraining_due.html",
            {"title": _("待复训人员"), "rows": selectors.due_for_retraining(request.user)},
        )


class QualificationListView(ObjectListView):
    model = Qualification
    template_name = "cadres/list.html"
    filterset_class = QualificationFilterSet
    table_class = QualificationTable
    title = _("资格证书")
    create_url_name = "cadres:qualification_create"

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org")


class QualificationCreateView(ServiceFormView):
    form_class = forms.QualificationForm
    template_name = "cadres/form.html"
    permission_required = "cadres.add_qualification"
    title = _("登记资格证书")
    success_message = _("资格证书已登记。")

    def perform(self, form):
        return trainings.qualification_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("cadres:qualification_list")
