"""Routes of the cases app, grouped by concept in the order of the views/ package."""

from django.urls import path, re_path

from .forms.cases import ACTION_FORMS
from .views import (
    agencies,
    attachments,
    cases,
    config,
    extensions,
    intake,
    mediations,
    printing,
    queues,
    referrals,
)

app_name = "cases"

# Only the case transitions, so the other "<pk>/<word>/" routes stay theirs.
ACTION_RE = "|".join(sorted(ACTION_FORMS))

urlpatterns = [
    # the work queues and their saved filters
    path("", queues.CaseListView.as_view(), name="case_list"),
    path("filters/", queues.saved_filter_create, name="saved_filter_create"),
    path("workers/search/", queues.worker_search, name="worker_search"),
    path("filters/<int:pk>/delete/", queues.saved_filter_delete, name="saved_filter_delete"),
    # intake
    path("hotline/", intake.hotline, name="hotline"),
    path("hotline/lookup/", intake.hotline_lookup, name="hotline_lookup"),
    path("new/", intake.intake_view, name="intake"),
    # extension approvals
    path("extensions/", extensions.ExtensionListView.as_view(), name="extension_list"),
    path("extensions/<int:pk>/decide/", extensions.extension_decide, name="extension_decide"),
    # the case page: edit, parties, transitions
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/edit/", cases.case_update, name="case_update"),
    path("<int:pk>/parties/new/", cases.party_create, name="party_create"),
    path(
        "<int:pk>/parties/<int:party_pk>/remove/",
        cases.party_delete,
        name="party_delete",
    ),
    re_path(rf"^(?P<pk>[0-9]+)/(?P<action>{ACTION_RE})/$", cases.case_action, name="case_action"),
    # printables of a case
    path("<int:pk>/print/", printing.case_print, name="case_print"),
    path("<int:pk>/decline-notice/", printing.case_decline_notice, name="case_decline_notice"),
    # referrals
    path("referrals/", referrals.ReferralListView.as_view(), name="referral_list"),
    path("<int:case_pk>/refer/", referrals.ReferralCreateView.as_view(), name="referral_create"),
    path("referrals/<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral_detail"),
    path(
        "referrals/<int:pk>/urge-notice/",
        referrals.ReferralUrgeNoticeView.as_view(),
        name="referral_urge_notice",
    ),
    path(
        "referrals/<int:pk>/<slug:action>/",
        referrals.ReferralActionView.as_view(),
        name="referral_action",
    ),
    # partner agencies
    path("agencies/", agencies.AgencyListView.as_view(), name="agency_list"),
    path("agencies/new/", agencies.AgencyCreateView.as_view(), name="agency_create"),
    path("agencies/<int:pk>/", agencies.AgencyDetailView.as_view(), name="agency_detail"),
    path("agencies/<int:pk>/edit/", agencies.AgencyUpdateView.as_view(), name="agency_update"),
    path(
        "agencies/<int:pk>/users/new/",
        agencies.AgencyUserCreateView.as_view(),
        name="agency_user_create",
    ),
    path(
        "agencies/<int:pk>/members/<int:member_pk>/remove/",
        agencies.AgencyMemberRemoveView.as_view(),
        name="agency_member_remove",
    ),
    # mediations
    path("mediations/", mediations.MediationListView.as_view(), name="mediation_list"),
    path(
        "<int:case_pk>/mediations/new/",
        mediations.MediationCreateView.as_view(),
        name="mediation_create",
    ),
    path("mediations/<int:pk>/", mediations.MediationDetailView.as_view(), name="mediation_detail"),
    path(
        "mediations/<int:pk>/edit/",
        mediations.MediationUpdateView.as_view(),
        name="mediation_update",
    ),
    path(
        "mediations/<int:pk>/agreement/",
        mediations.MediationAgreementView.as_view(),
        name="mediation_agreement",
    ),
    # attachments
    path(
        "<int:case_pk>/attachments/new/",
        attachments.AttachmentCreateView.as_view(),
        name="attachment_create",
    ),
    path(
        "attachments/<int:pk>/",
        attachments.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    # configuration: appeal categories and deadline policies
    path("categories/", config.CategoryListView.as_view(), name="category_list"),
    path("categories/new/", config.CategoryCreateView.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", config.CategoryUpdateView.as_view(), name="category_update"),
    path("policies/", config.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", config.PolicyCreateView.as_view(), name="policy_create"),
    path("policies/<int:pk>/edit/", config.PolicyUpdateView.as_view(), name="policy_update"),
]
