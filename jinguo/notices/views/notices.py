"""Pages of the notices app: the inbox and a receipt (the receiving unit), the notices a unit
sent and their progress (the issuer), issuing, and the files of both."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core import audit
from jinguo.core.generic import ObjectListView, ServiceFormView
from jinguo.core.scoping import permitted_actions

from .. import files as notice_files
from .. import selectors, services
from ..choices import NoticeKind, ReceiptState
from ..filtersets import NoticeFilterSet, ReceiptFilterSet
from ..forms import CompleteForm, NoticeForm, WithdrawForm
from ..models import Notice, Receipt
from ..tables import NoticeTable, ReceiptTable, receipt_state

T = "notices/"
SAFE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# --- the receiving unit ----------------------------------------------------------------------


class ReceiptListView(ObjectListView):
    """收文: what was sent to her own unit, waiting first, due soonest."""

    model = Receipt
    filterset_class = ReceiptFilterSet
    table_class = ReceiptTable
    title = gettext_lazy("收到的通知任务")
    export_name = gettext_lazy("收到的通知任务")

    def get_queryset(self):
        return selectors.inbox(self.request.user)


def receipt_context(request, receipt, *, complete_form=None) -> dict:
    user = request.user
    notice = receipt.notice
    own = receipt.org_id == user.home_unit_id
    live = notice.withdrawn_at is None
    actions = permitted_actions(user, receipt, ("acknowledge", "complete")) if own and live else ()
    can_complete = (
        "complete" in actions
        and receipt.kind == NoticeKind.TASK
        and receipt.state != ReceiptState.COMPLETED
    )
    return {
        "title": notice.title,
        "receipt": receipt,
        "notice": notice,
        "state": receipt_state(receipt),
        "notice_files": notice.files.filter(receipt__isnull=True),
        "receipt_files": receipt.files.all(),
        "can_acknowledge": "acknowledge" in actions and receipt.state == ReceiptState.PENDING,
        "complete_form": (complete_form or _complete_form(user, notice)) if can_complete else None,
        "issuer": Notice.objects.restrict(user, "view").filter(pk=notice.pk).exists(),
    }


def _complete_form(user, notice) -> CompleteForm:
    """A task feeding a report cell offers the figure it needs on the first line."""
    initial = {"figures": [(notice.report_figure, "")]} if notice.report_cell_id else None
    return CompleteForm(user=user, initial=initial)


class ReceiptDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = Receipt.objects.restrict(request.user, "view").select_related(
            "notice", "notice__org", "org", "acknowledged_by", "completed_by"
        )
        receipt = get_object_or_404(qs, pk=pk)
        return render(request, T + "receipt_detail.html", receipt_context(request, receipt))


class ReceiptAcknowledgeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        receipt = get_object_or_404(Receipt.objects.restrict(request.user, "view"), pk=pk)
        try:
            services.receipt_acknowledge(user=request.user, receipt=receipt)
            messages.success(request, _("已签收。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(receipt.get_absolute_url())


class ReceiptCompleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        qs = Receipt.objects.restrict(request.user, "view").select_related("notice", "org")
        receipt = get_object_or_404(qs, pk=pk)
        form = CompleteForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                services.receipt_complete(
                    user=request.user,
                    receipt=receipt,
                    note=form.cleaned_data["note"],
                    figures=form.cleaned_data["figures"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, "；".join(exc.messages))
                    return redirect(receipt.get_absolute_url())
                form.add_service_error(exc)
            else:
                messages.success(request, _("已报告完成情况。"))
                return redirect(receipt.get_absolute_url())
        ctx = receipt_context(request, receipt, complete_form=form)
        if ctx["complete_form"] is None:
            raise Http404
        return render(request, T + "receipt_detail.html", ctx)


# --- the issuer ------------------------------------------------------------------------------


class NoticeListView(ObjectListView):
    model = Notice
    filterset_class = NoticeFilterSet
    table_class = NoticeTable
    title = gettext_lazy("下发的通知任务")
    create_url_name = "notices:notice_create"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("org")
            .annotate(
                n_receipts=Count("receipts"),
                n_acknowledged=Count("receipts", filter=~Q(receipts__state=ReceiptState.PENDING)),
                n_completed=Count("receipts", filter=Q(receipts__state=ReceiptState.COMPLETED)),
            )
        )


class NoticeCreateView(ServiceFormView):
    form_class = NoticeForm
    permission_required = "notices.add_notice"
    template_name = T + "notice_form.html"
    title = gettext_lazy("下发通知或任务")
    success_message = gettext_lazy("已下发，各接收单位已收到提醒。")

    def perform(self, form):
        data = form.cleaned_data
        return services.notice_issue(
            user=self.request.user,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            due_on=data["due_on"],
            targets=data["targets"],
            target_kind=data["target_kind"],
            units=list(data["units"]),
            files=data["files"],
            report_cell=data["report_cell"],
            report_period=data["report_period"],
        )


class NoticeDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, withdraw_form=None):
        qs = Notice.objects.restrict(request.user, "view").select_related("org", "issued_by")
        notice = get_object_or_404(qs, pk=pk)
        receipts = (
            Receipt.objects.restrict(request.user, "view")
            .filter(notice=notice)
            .select_related("org", "acknowledged_by", "completed_by")
            .order_by("org_path")
        )
        today = timezone.localdate()
        files = list(notice.files.all())
        by_receipt = _group(f for f in files if f.receipt_id)
        rows = []
        for receipt in receipts:
            receipt.notice = notice
            receipt.file_list = by_receipt.get(receipt.pk, [])
            rows.append((receipt, receipt_state(receipt, today)))
        can_change = notice.withdrawn_at is None and "change" in permitted_actions(
            request.user, notice, ("change",)
        )
        return render(
            request,
            T + "notice_detail.html",
            {
                "title": notice.title,
                "notice": notice,
                "rows": rows,
                "progress": selectors.notice_progress(receipts),
                "notice_files": [f for f in files if f.receipt_id is None],
                "can_change": can_change,
                "withdraw_form": withdraw_form or WithdrawForm(user=request.user),
            },
        )


def _group(files) -> dict:
    grouped: dict = {}
    for f in files:
        grouped.setdefault(f.receipt_id, []).append(f)
    return grouped


class NoticeRemindView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notice = get_object_or_404(Notice.objects.restrict(request.user, "change"), pk=pk)
        try:
            n = services.notice_remind(user=request.user, notice=notice)
            messages.success(request, _("已提醒 %(n)d 个单位。") % {"n": n})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(notice.get_absolute_url())


class NoticeWithdrawView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notice = get_object_or_404(Notice.objects.restrict(request.user, "change"), pk=pk)
        form = WithdrawForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.notice_withdraw(
                    user=request.user, notice=notice, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form.add_service_error(exc)
                    return NoticeDetailView().get(request, pk, withdraw_form=form)
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, _("已撤回，未办结的单位已收到提醒。"))
            return redirect(notice.get_absolute_url())
        messages.error(request, _("请填写撤回原因。"))
        return NoticeDetailView().get(request, pk, withdraw_form=form)


# --- files -----------------------------------------------------------------------------------


class FileDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        found = selectors.file_for(request.user, pk)
        if found is None:
            raise Http404
        back = (found.receipt or found.notice).get_absolute_url()
        try:
            data = notice_files.read(found)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        audit.record_access(
            request.user,
            found.receipt or found.notice,
            action="open",
            mode="download",
            file_id=found.pk,
            size=found.size,
            sha256=found.sha256,
        )
        content_type = found.content_type if found.content_type in SAFE_TYPES else None
        response = HttpResponse(data, content_type=content_type or "application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, found.original_name)
        response["Content-Length"] = str(len(data))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response


urlpatterns = [
    path("", ReceiptListView.as_view(), name="receipt_list"),
    path("receipts/<int:pk>/", ReceiptDetailView.as_view(), name="receipt_detail"),
    path(
        "receipts/<int:pk>/acknowledge/",
        ReceiptAcknowledgeView.as_view(),
        name="receipt_acknowledge",
    ),
    path("receipts/<int:pk>/complete/", ReceiptCompleteView.as_view(), name="receipt_complete"),
    path("sent/", NoticeListView.as_view(), name="notice_list"),
    path("sent/new/", NoticeCreateView.as_view(), name="notice_create"),
    path("sent/<int:pk>/", NoticeDetailView.as_view(), name="notice_detail"),
    path("sent/<int:pk>/remind/", NoticeRemindView.as_view(), name="notice_remind"),
    path("sent/<int:pk>/withdraw/", NoticeWithdrawView.as_view(), name="notice_withdraw"),
    path("files/<int:pk>/", FileDownloadView.as_view(), name="file_download"),
]
