"""Pages of partner agencies: list, detail, create, edit, and their user accounts."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectDetailView, ObjectListView, ScopedObjectMixin, ServiceFormView

from .. import choices
from ..filtersets import AgencyFilterSet
from ..forms.agencies import AgencyForm, AgencyUserForm
from ..models import Agency, AgencyMember, Referral
from ..services import agencies as agency_services
from ..tables.agencies import AgencyTable


class AgencyListView(ObjectListView):
    model = Agency
    filterset_class = AgencyFilterSet
    table_class = AgencyTable
    title = gettext_lazy("合作机构")
    create_url_name = "cases:agency_create"
    create_permission = "cases.add_agency"
    export_name = gettext_lazy("合作机构")

    def get_queryset(self):
        return super().get_queryset().select_related("org")


class AgencyDetailView(ObjectDetailView):
    model = Agency
    template_name = "cases/agency_detail.html"
    context_object_name = "agency"

    def get_queryset(self):
        return super().get_queryset().select_related("org")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, agency = self.request.user, self.object
        referrals = Referral.objects.restrict(user, "view").filter(agency=agency)
        open_qs = referrals.filter(status__in=choices.REFERRAL_OPEN_STATUSES)
        ctx.update(
            title=agency.name,
            members=agency.memberships.select_related("user").order_by("added_at"),
            open_count=open_qs.count(),
            overdue_count=referrals.filter(
                status=choices.ReferralStatus.SENT, due_at__lt=timezone.now()
            ).count(),
            total_count=referrals.count(),
            recent_referrals=referrals.select_related("case")[:10],
            can_change=user.has_perm("cases.change_agency")
            and Agency.objects.restrict(user, "change").filter(pk=agency.pk).exists(),
            can_manage_users=user.has_perm("core.manage_users"),
        )
        return ctx


class AgencyCreateView(ServiceFormView):
    form_class = AgencyForm
    permission_required = "cases.add_agency"
    template_name = "cases/agency_form.html"
    title = gettext_lazy("新建合作机构")
    success_message = gettext_lazy("合作机构已保存。")

    def get_initial(self):
        return {"org": self.request.user.home_unit_id, "kind": choices.AgencyKind.LEGAL_AID}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("cases:agency_list")
        return ctx

    def perform(self, form):
        return agency_services.agency_create(user=self.request.user, **form.cleaned_data)


class AgencyUpdateView(ScopedObjectMixin, ServiceFormView):
    model = Agency
    action = "change"
    form_class = AgencyForm
    permission_required = "cases.change_agency"
    template_name = "cases/agency_form.html"
    title = gettext_lazy("修改合作机构")
    success_message = gettext_lazy("合作机构已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self):
        agency = self.get_object()
        fields = ("name", "kind", "contact_name", "contact_phone", "address", "services")
        return {name: getattr(agency, name) for name in fields}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["agency"] = self.get_object()
        ctx["cancel_url"] = self.get_object().get_absolute_url()
        return ctx

    def perform(self, form):
        return agency_services.agency_update(
            user=self.request.user, agency=self.get_object(), **form.cleaned_data
        )


class AgencyUserCreateView(ServiceFormView):
    """The system administrator opens an account for a member of the agency."""

    form_class = AgencyUserForm
    permission_required = "core.manage_users"
    template_name = "cases/agency_user_form.html"
    title = gettext_lazy("添加机构用户")

    def get_agency(self) -> Agency:
        if not hasattr(self, "_agency"):
            qs = Agency.objects.restrict(self.request.user, "view")
            self._agency = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._agency

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["agency"] = self.get_agency()
        ctx["cancel_url"] = self.get_agency().get_absolute_url()
        return ctx

    def perform(self, form):
        return agency_services.agency_user_create(
            user=self.request.user, agency=self.get_agency(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        messages.success(
            self.request,
            _("已为%(agency)s开通账号 %(username)s，请将初始密码当面或电话告知本人。")
            % {"agency": self.get_agency().name, "username": result.username},
        )
        return self.get_agency().get_absolute_url()


class AgencyMemberRemoveView(LoginRequiredMixin, View):
    """End a membership (the account stays; it simply no longer answers for the agency)."""

    def post(self, request, pk, member_pk):
        if not request.user.has_perm("core.manage_users"):
            raise Http404
        agency = get_object_or_404(Agency.objects.restrict(request.user, "view"), pk=pk)
        member = get_object_or_404(AgencyMember, pk=member_pk, agency=agency)
        try:
            agency_services.agency_member_remove(user=request.user, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已解除该用户与本机构的关联。"))
        return redirect(agency.get_absolute_url())
