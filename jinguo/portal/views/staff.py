"""Staff pages of the portal, in the staff layout: public replies from the case page, and the
editing of knowledge pages and the consultation schedule (federation-wide content, not scoped
records: the model permissions decide, anyone else gets a 404)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.cases.models import Case
from jinguo.core.generic import ServiceFormView

from .. import markdown
from ..forms import ConsultationSlotForm, KnowledgePageForm, ReplyForm
from ..models import ConsultationSlot, KnowledgePage
from ..services.content import page_save, slot_save
from ..services.replies import reply_publish


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


class ReplyPublishView(LoginRequiredMixin, View):
    """POST from the case page's 网上求助 section."""

    def post(self, request, pk: int):
        _require(request, "portal.add_publicreply")
        case = get_object_or_404(Case.objects.restrict(request.user, "change"), pk=pk)
        form = ReplyForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                reply_publish(user=request.user, case=case, body=form.cleaned_data["body"])
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("回复已公开，求助人凭查询码和密码可以看到。"))
                return redirect(reverse("cases:case_detail", args=[case.pk]) + "#portal")
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(reverse("cases:case_detail", args=[case.pk]) + "#portal")


# --- knowledge pages ------------------------------------------------------------------------


class PageListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "portal.view_knowledgepage")
        return render(
            request,
            "portal/staff/page_list.html",
            {
                "title": _("维权知识"),
                "pages": KnowledgePage.objects.order_by("kind", "sort_order", "id"),
                "can_add": request.user.has_perm("portal.add_knowledgepage"),
                "can_change": request.user.has_perm("portal.change_knowledgepage"),
            },
        )


class _PageFormView(ServiceFormView):
    form_class = KnowledgePageForm
    template_name = "portal/staff/form.html"
    success_message = gettext_lazy("已保存，公众服务平台上即时可见。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("portal:page_list")
        form = ctx["form"]
        if form.is_bound and form.is_valid():
            ctx["preview"] = markdown.render(form.cleaned_data["body"])
        return ctx

    def get_success_url(self, result=None):
        return reverse("portal:page_list")


class PageCreateView(_PageFormView):
    permission_required = "portal.add_knowledgepage"
    title = gettext_lazy("新建维权知识")

    def perform(self, form):
        return page_save(user=self.request.user, **form.service_kwargs())


class PageUpdateView(_PageFormView):
    permission_required = "portal.change_knowledgepage"
    title = gettext_lazy("修改维权知识")

    def get_object(self):
        return get_object_or_404(KnowledgePage, pk=self.kwargs["pk"])

    def get_initial(self):
        page = self.get_object()
        return {
            f: getattr(page, f) for f in ("kind", "title", "body", "sort_order", "is_published")
        }

    def perform(self, form):
        return page_save(user=self.request.user, page=self.get_object(), **form.service_kwargs())


# --- consultation schedule ---------------------------------------------------------------------


class SlotListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "portal.view_consultationslot")
        return render(
            request,
            "portal/staff/slot_list.html",
            {
                "title": _("法律咨询安排"),
                "slots": ConsultationSlot.objects.order_by("-starts_at")[:200],
                "can_add": request.user.has_perm("portal.add_consultationslot"),
                "can_change": request.user.has_perm("portal.change_consultationslot"),
            },
        )


class _SlotFormView(ServiceFormView):
    form_class = ConsultationSlotForm
    template_name = "portal/staff/form.html"
    success_message = gettext_lazy("咨询安排已保存。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("portal:slot_list")
        return ctx

    def get_success_url(self, result=None):
        return reverse("portal:slot_list")


class SlotCreateView(_SlotFormView):
    permission_required = "portal.add_consultationslot"
    title = gettext_lazy("新建法律咨询安排")

    def perform(self, form):
        return slot_save(user=self.request.user, **form.service_kwargs())


class SlotUpdateView(_SlotFormView):
    permission_required = "portal.change_consultationslot"
    title = gettext_lazy("修改法律咨询安排")

    def get_object(self):
        return get_object_or_404(ConsultationSlot, pk=self.kwargs["pk"])

    def get_initial(self):
        slot = self.get_object()
        return {
            f: getattr(slot, f)
            for f in ("topic", "way", "starts_at", "ends_at", "where", "is_published")
        }

    def perform(self, form):
        return slot_save(user=self.request.user, slot=self.get_object(), **form.service_kwargs())
