"""Attachment upload (from the case page) and the one scoped, logged download."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.errors import is_not_found
from jinguo.core.generic import ServiceFormView

from ..forms.attachments import AttachmentForm
from ..models import Attachment, Case
from ..services import attachments as services

# Types a browser could render as a page or a script are always served as plain bytes.
SAFE_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "audio/mpeg",
    "audio/mp4",
    "audio/wav",
    "video/mp4",
}


class AttachmentCreateView(ServiceFormView):
    form_class = AttachmentForm
    permission_required = "cases.add_attachment"
    template_name = "cases/attachment_form.html"
    title = gettext_lazy("上传附件")
    success_message = gettext_lazy("附件已上传。")

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            qs = Case.objects.restrict(self.request.user, "view")
            self._case = get_object_or_404(qs, pk=self.kwargs["case_pk"])
        return self._case

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["allowed"] = services.ALLOWED_EXTENSIONS
        kwargs["max_bytes"] = services.max_bytes()
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(case=self.get_case(), cancel_url=self.get_case().get_absolute_url())
        return ctx

    def perform(self, form):
        return services.attachment_add(
            user=self.request.user, case=self.get_case(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return self.get_case().get_absolute_url() + "#attachments"


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.restrict(request.user, "view"), pk=pk)
        try:
            data = services.attachment_read(user=request.user, attachment=attachment)
        except ValidationError as exc:
            if is_not_found(exc):
                raise Http404 from exc
            messages.error(request, " ".join(exc.messages))
            return redirect(attachment.case.get_absolute_url() + "#attachments")
        content_type = attachment.content_type
        if content_type not in SAFE_TYPES:
            content_type = "application/octet-stream"
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
        response["Content-Length"] = str(len(data))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response
