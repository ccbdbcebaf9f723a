"""The extension approvals: the pending requests a user may decide, and the decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import SingleTableView

from .. import choices
from ..forms.extensions import ExtensionDecideForm
from ..models import Case, Extension
from ..services import workflow
from ..tables.extensions import ExtensionTable


def pending_extensions(user):
    """Pending requests on the cases the user may approve (restrict with "approve")."""
    cases = Case.objects.restrict(user, "approve").values("pk")
    return Extension.objects.filter(
        status=choices.ExtensionStatus.PENDING, case__in=cases
    ).select_related("case", "case__org", "requested_by")


class ExtensionListView(LoginRequiredMixin, SingleTableView):
    table_class = ExtensionTable
    template_name = "cases/extension_list.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.approve_case"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return pending_extensions(self.request.user)

    def paginate_queryset(self, queryset, page_size):
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("延期审批")
        return ctx


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(pending_extensions(request.user), pk=pk)
    form = ExtensionDecideForm(request.POST, user=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("cases:extension_list")
    if not form.is_valid():
        messages.error(request, _("请选择批准或不批准。"))
        return redirect(back)
    approve = form.cleaned_data["approve"]
    try:
        workflow.extension_decide(
            user=request.user,
            extension=extension,
            approve=approve,
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = (
            _("已批准 %(number)s 延期 %(days)d 天。")
            if approve
            else _("已驳回 %(number)s 的延期申请。")
        )
        messages.success(request, text % {"number": extension.case.number, "days": extension.days})
    return redirect(back)
