"""Routes of households, tags and reviews, tag types, visits, consents and contacts."""

from django.urls import path

from . import views_related as v

urlpatterns = [
    path("households/", v.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", v.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", v.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", v.HouseholdUpdateView.as_view(), name="household_update"),
    path(
        "households/<int:pk>/members/add/",
        v.HouseholdMemberAddView.as_view(),
        name="household_member_add",
    ),
    path(
        "households/<int:pk>/members/<int:member_pk>/remove/",
        v.HouseholdMemberRemoveView.as_view(),
        name="household_member_remove",
    ),
    path("tags/new/", v.TagCreateView.as_view(), name="tag_create"),
    path("tags/<int:pk>/edit/", v.TagUpdateView.as_view(), name="tag_update"),
    path("tags/<int:pk>/review/", v.TagReviewView.as_view(), name="tag_review"),
    path("tags/<int:pk>/end/", v.TagEndView.as_view(), name="tag_end"),
    path("reviews/", v.ReviewListView.as_view(), name="review_list"),
    path("reviews/unit/", v.ReviewListView.as_view(tab="unit"), name="review_list_unit"),
    path("tag-types/", v.TagTypeListView.as_view(), name="tagtype_list"),
    path("tag-types/new/", v.TagTypeCreateView.as_view(), name="tagtype_create"),
    path("tag-types/<int:pk>/edit/", v.TagTypeUpdateView.as_view(), name="tagtype_update"),
    path(
        "tag-types/<int:pk>/deactivate/",
        v.TagTypeActionView.as_view(action="deactivate"),
        name="tagtype_deactivate",
    ),
    path(
        "tag-types/<int:pk>/delete/",
        v.TagTypeActionView.as_view(action="delete"),
        name="tagtype_delete",
    ),
    path("visits/", v.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", v.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", v.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", v.VisitUpdateView.as_view(), name="visit_update"),
    path("consents/new/", v.ConsentCreateView.as_view(), name="consent_create"),
    path("consents/<int:pk>/withdraw/", v.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("contacts/", v.ContactListView.as_view(), name="contact_list"),
    path("contacts/mine/", v.MyContactsView.as_view(), name="my_contacts"),
    path("contacts/new/", v.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/edit/", v.ContactUpdateView.as_view(), name="contact_update"),
    path("contacts/<int:pk>/end/", v.ContactEndView.as_view(), name="contact_end"),
]
