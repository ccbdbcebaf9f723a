"""Pages of breaches, injury records and evidence bundles (the printable bundle included)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView
from jinguo.core.scoping import may

from ...filtersets.orders import (
    EvidenceBundleFilterSet,
    InjuryRecordFilterSet,
    OrderBreachFilterSet,
)
from ...forms.orders import BreachForm, BreachUpdateForm, EvidenceForm, InjuryRecordForm
from ...models import EvidenceBundle, InjuryRecord, OrderBreach, ProtectionOrder
from ...selectors.orders import breach_open, bundle_open, injury_open
from ...services.orders import evidence, records
from ...tables.orders import EvidenceBundleTable, InjuryRecordTable, OrderBreachTable
from .common import (
    Case,
    OrdersFormView,
    Person,
    given,
    person_subject,
    scoped,
    subject_person,
)

# --- breaches ---------------------------------------------------------------------------------


class OrderBreachListView(ObjectListView):
    model = OrderBreach
    filterset_class = OrderBreachFilterSet
    table_class = OrderBreachTable
    title = gettext_lazy("违反保护令记录")
    export_name = gettext_lazy("违反保护令记录")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org")


class OrderBreachDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = OrderBreach.objects.restrict(user, "view").select_related(
            "order", "person", "org", "recorded_by"
        )
        breach = breach_open(user, pk, queryset=qs)
        return render(
            request,
            "protection/orders/breach_detail.html",
            {
                "title": _("违反保护令记录"),
                "breach": breach,
                "order_visible": may(user, "view", breach.order),
                "can_change": user.has_perm("protection.change_orderbreach")
                and may(user, "change", breach),
            },
        )


class OrderBreachCreateView(OrdersFormView):
    form_class = BreachForm
    permission_required = "protection.add_orderbreach"
    title = gettext_lazy("登记违反保护令")
    success_message = gettext_lazy("已登记违反保护令的情况。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.order = scoped(ProtectionOrder, request.user, kwargs["order_pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def subject(self):
        return person_subject(_("受保护人"), self.order.person)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.order.get_absolute_url()}

    def perform(self, form):
        return records.breach_create(user=self.request.user, order=self.order, **form.cleaned_data)

    def fallback_url(self):
        return self.order.get_absolute_url()


class OrderBreachUpdateView(OrdersFormView):
    form_class = BreachUpdateForm
    permission_required = "protection.change_orderbreach"
    title = gettext_lazy("登记处置与处罚")
    success_message = gettext_lazy("已保存。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = scoped(OrderBreach, request.user, kwargs["pk"], "change")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"police_response": self.object.police_response, "sanction": self.object.sanction}

    def subject(self):
        return person_subject(_("受保护人"), self.object.person)

    def perform(self, form):
        return records.breach_update(
            user=self.request.user, breach=self.object, **form.cleaned_data
        )


# --- injury records ---------------------------------------------------------------------------


class InjuryRecordListView(ObjectListView):
    model = InjuryRecord
    filterset_class = InjuryRecordFilterSet
    table_class = InjuryRecordTable
    title = gettext_lazy("伤情记录")
    export_name = gettext_lazy("伤情记录")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org")


class InjuryRecordDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = InjuryRecord.objects.restrict(user, "view").select_related(
            "person", "org", "case", "created_by"
        )
        record = injury_open(user, pk, queryset=qs)
        return render(
            request,
            "protection/orders/injury_detail.html",
            {
                "title": _("伤情记录"),
                "record": record,
                "person_visible": may(user, "view", record.person),
            },
        )


class InjuryRecordCreateView(OrdersFormView):
    form_class = InjuryRecordForm
    permission_required = "protection.add_injuryrecord"
    title = gettext_lazy("登记伤情鉴定")
    success_message = gettext_lazy("伤情记录已保存。")

    def get_initial(self):
        initial = {}
        person = subject_person(self.request)
        if person is not None:
            initial["person"] = person.pk
        case = given(Case, self.request, "case")
        if case is not None:
            initial["case"] = case.pk
        return initial

    def subject(self):
        return person_subject(_("当事人"), subject_person(self.request))

    def perform(self, form):
        return records.injury_create(user=self.request.user, **form.cleaned_data)

    def fallback_url(self):
        return reverse("protection:injuryrecord_list")


# --- evidence bundles -------------------------------------------------------------------------


class EvidenceBundleListView(ObjectListView):
    model = EvidenceBundle
    filterset_class = EvidenceBundleFilterSet
    table_class = EvidenceBundleTable
    title = gettext_lazy("证据材料包")
    export_name = gettext_lazy("证据材料包")

    def get_queryset(self):
        return super().get_queryset().select_related("person", "org", "created_by")


class EvidenceBundleDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        qs = EvidenceBundle.objects.restrict(user, "view").select_related(
            "person", "org", "created_by"
        )
        bundle = bundle_open(user, pk, queryset=qs)
        return render(
            request,
            "protection/orders/bundle_detail.html",
            {"title": _("证据材料包"), "bundle": bundle},
        )


@login_required
def evidence_print(request, person_pk):
    """GET: the purpose form. POST: the printable bundle, recorded and hashed."""
    user = request.user
    if not user.has_perm("protection.add_evidencebundle"):
        raise Http404
    person = scoped(Person, user, person_pk)
    form = EvidenceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            bundle, content, digest = evidence.bundle_print(
                user=user, person=person, purpose=form.cleaned_data["purpose"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            return render(
                request,
                "protection/orders/evidence_print.html",
                {
                    "title": _("证据材料 %(n)s") % {"n": bundle.pk},
                    "bundle": bundle,
                    "c": content,
                    "sha256": digest,
                    "printed_at": timezone.now(),
                    "printed_by": user,
                    "person": person,
                },
            )
    return render(
        request,
        "protection/orders/form.html",
        {
            "title": _("打印证据材料"),
            "form": form,
            "subject": person_subject(_("当事人"), person),
            "intro": _(
                "汇总您可查看的该当事人的投诉记录、风险评估、伤情鉴定、告诫书和保护令，"
                "生成可打印的证据材料，并计算校验码（SHA-256）。"
            ),
            "cancel_url": person.get_absolute_url(),
            "submit_label": _("生成并打印"),
        },
    )
