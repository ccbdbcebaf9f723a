"""Audit trail viewer for the security auditor (filled in by the audit work)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class AuditEventListView(LoginRequiredMixin, TemplateView):
    template_name = "core/audit_list.html"


class AuditEventDetailView(LoginRequiredMixin, TemplateView):
    template_name = "core/audit_detail.html"
