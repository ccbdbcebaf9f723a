"""Pages of the orders concern: written warnings and their visits, protection orders, breaches,
injury records and evidence bundles. ``urlpatterns`` is included by protection/urls.py."""

from django.urls import path

from . import protection_orders as po
from . import records, warnings

urlpatterns = [
    path("warnings/", warnings.PoliceWarningListView.as_view(), name="policewarning_list"),
    path("warnings/new/", warnings.PoliceWarningCreateView.as_view(), name="policewarning_create"),
    path(
        "warnings/<int:pk>/",
        warnings.PoliceWarningDetailView.as_view(),
        name="policewarning_detail",
    ),
    path(
        "warnings/<int:pk>/edit/",
        warnings.PoliceWarningUpdateView.as_view(),
        name="policewarning_update",
    ),
    path("warning-visits/", warnings.WarningVisitListView.as_view(), name="warningvisit_list"),
    path(
        "warning-visits/<int:pk>/",
        warnings.WarningVisitDetailView.as_view(),
        name="warningvisit_detail",
    ),
    path(
        "warning-visits/<int:pk>/record/",
        warnings.WarningVisitRecordView.as_view(),
        name="warningvisit_record",
    ),
    path("orders/", po.ProtectionOrderListView.as_view(), name="protectionorder_list"),
    path("orders/new/", po.ProtectionOrderCreateView.as_view(), name="protectionorder_create"),
    path("orders/<int:pk>/", po.ProtectionOrderDetailView.as_view(), name="protectionorder_detail"),
    path(
        "orders/<int:pk>/edit/",
        po.ProtectionOrderUpdateView.as_view(),
        name="protectionorder_update",
    ),
    path(
        "orders/<int:pk>/<slug:step>/",
        po.ProtectionOrderStepView.as_view(),
        name="protectionorder_step",
    ),
    path(
        "orders/<int:order_pk>/breaches/new/",
        records.OrderBreachCreateView.as_view(),
        name="orderbreach_create",
    ),
    path("breaches/", records.OrderBreachListView.as_view(), name="orderbreach_list"),
    path("breaches/<int:pk>/", records.OrderBreachDetailView.as_view(), name="orderbreach_detail"),
    path(
        "breaches/<int:pk>/edit/",
        records.OrderBreachUpdateView.as_view(),
        name="orderbreach_update",
    ),
    path("injuries/", records.InjuryRecordListView.as_view(), name="injuryrecord_list"),
    path("injuries/new/", records.InjuryRecordCreateView.as_view(), name="injuryrecord_create"),
    path(
        "injuries/<int:pk>/",
        records.InjuryRecordDetailView.as_view(),
        name="injuryrecord_detail",
    ),
    path("evidence/", records.EvidenceBundleListView.as_view(), name="evidencebundle_list"),
    path(
        "evidence/<int:pk>/",
        records.EvidenceBundleDetailView.as_view(),
        name="evidencebundle_detail",
    ),
    path(
        "persons/<int:person_pk>/evidence/",
        records.evidence_print,
        name="evidencebundle_print",
    ),
]
