"""Forms of contact assignments: assign a worker, change, end."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..services.contacts import MAX_VISIT_EVERY_DAYS
from .common import RelatedForm, date_field


class ContactForm(RelatedForm):
    since = date_field(_("联系起始日期"), initial=timezone.localdate)
    visit_every_days = forms.IntegerField(
        label=_("走访周期（天）"), min_value=1, max_value=MAX_VISIT_EVERY_DAYS, initial=30
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields(person=True, household=True)
        self._worker_field(
            "worker",
            _("联系人"),
            help_text=_("联系人将可以查看和更新这份档案，结束联系后自动收回。"),
        )
        self.order_fields(["person", "household", "worker"])


class ContactUpdateForm(RelatedForm):
    visit_every_days = forms.IntegerField(
        label=_("走访周期（天）"), min_value=1, max_value=MAX_VISIT_EVERY_DAYS
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ContactEndForm(RelatedForm):
    ended_on = date_field(_("结束日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("结束原因"), max_length=200, required=False)
