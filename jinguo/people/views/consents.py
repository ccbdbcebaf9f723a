"""Pages of consents: record one, withdraw one."""

from django.utils.translation import gettext_lazy

from ..forms.consents import ConsentForm, ConsentWithdrawForm
from ..models import Consent
from ..services import consents
from .common import RelatedFormView, TargetMixin


class ConsentCreateView(TargetMixin, RelatedFormView):
    form_class = ConsentForm
    permission_required = "people.add_consent"
    template_name = "people/consent_form.html"
    title = gettext_lazy("记录同意")
    success_message = gettext_lazy("同意记录已保存。")

    def perform(self, form):
        return consents.consent_record(user=self.request.user, **form.cleaned_data)


class ConsentWithdrawView(RelatedFormView):
    model = Consent
    load_object = True
    form_class = ConsentWithdrawForm
    permission_required = "people.change_consent"
    template_name = "people/consent_form.html"
    title = gettext_lazy("撤回同意")
    success_message = gettext_lazy("已记录撤回。")

    def perform(self, form):
        return consents.consent_withdraw(
            user=self.request.user, consent=self.object, **form.cleaned_data
        )
