"""Routes of referrals, agencies, mediation, attachments and the configuration pages."""

from django.urls import path

from . import views_attachments as att
from . import views_config as cfg
from . import views_mediation as med
from . import views_partners as agencies
from . import views_referrals as ref

urlpatterns = [
    # referrals
    path("referrals/", ref.ReferralListView.as_view(), name="referral_list"),
    path("<int:case_pk>/refer/", ref.ReferralCreateView.as_view(), name="referral_create"),
    path("referrals/<int:pk>/", ref.ReferralDetailView.as_view(), name="referral_detail"),
    path(
        "referrals/<int:pk>/urge-notice/",
        ref.ReferralUrgeNoticeView.as_view(),
        name="referral_urge_notice",
    ),
    path(
        "referrals/<int:pk>/<slug:action>/",
        ref.ReferralActionView.as_view(),
        name="referral_action",
    ),
    # agencies
    path("agencies/", agencies.AgencyListView.as_view(), name="agency_list"),
    path("agencies/new/", agencies.AgencyCreateView.as_view(), name="agency_create"),
    path("agencies/<int:pk>/", agencies.AgencyDetailView.as_view(), name="agency_detail"),
    path("agencies/<int:pk>/edit/", agencies.AgencyUpdateView.as_view(), name="agency_edit"),
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
    # mediation
    path("mediations/", med.MediationListView.as_view(), name="mediation_list"),
    path(
        "<int:case_pk>/mediations/new/",
        med.MediationCreateView.as_view(),
        name="mediation_create",
    ),
    path("mediations/<int:pk>/", med.MediationDetailView.as_view(), name="mediation_detail"),
    path("mediations/<int:pk>/edit/", med.MediationUpdateView.as_view(), name="mediation_edit"),
    path(
        "mediations/<int:pk>/agreement/",
        med.MediationAgreementView.as_view(),
        name="mediation_agreement",
    ),
    # attachments
    path(
        "<int:case_pk>/attachments/new/",
        att.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path("attachments/<int:pk>/", att.AttachmentDownloadView.as_view(), name="attachment_download"),
    # configuration
    path("categories/", cfg.CategoryListView.as_view(), name="category_list"),
    path("categories/new/", cfg.CategoryCreateView.as_view(), name="category_create"),
    path("categories/<int:pk>/edit/", cfg.CategoryUpdateView.as_view(), name="category_edit"),
    path("policies/", cfg.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", cfg.PolicyCreateView.as_view(), name="policy_create"),
    path("policies/<int:pk>/edit/", cfg.PolicyUpdateView.as_view(), name="policy_edit"),
]
