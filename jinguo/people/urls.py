"""Routes of the people app, grouped by concept in the order of the views/ package."""

from django.urls import path

from .views import consents, contacts, households, importing, persons, tags, visits

app_name = "people"

urlpatterns = [
    # persons
    path("persons/", persons.PersonListView.as_view(), name="person_list"),
    path("persons/new/", persons.PersonCreateView.as_view(), name="person_create"),
    path("persons/<int:pk>/", persons.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", persons.PersonUpdateView.as_view(), name="person_update"),
    path(
        "persons/<int:pk>/reveal/<str:field>/",
        persons.PersonRevealView.as_view(),
        name="person_reveal",
    ),
    path(
        "persons/<int:pk>/deactivate/",
        persons.PersonDeactivateView.as_view(),
        name="person_deactivate",
    ),
    path(
        "persons/<int:pk>/reactivate/",
        persons.PersonReactivateView.as_view(),
        name="person_reactivate",
    ),
    path("persons/<int:pk>/merge/", persons.PersonMergeView.as_view(), name="person_merge"),
    path(
        "persons/<int:pk>/unmerge/<int:event_id>/",
        persons.PersonUnmergeView.as_view(),
        name="person_unmerge",
    ),
    # households
    path("households/", households.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", households.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", households.HouseholdDetailView.as_view(), name="household_detail"),
    path(
        "households/<int:pk>/edit/",
        households.HouseholdUpdateView.as_view(),
        name="household_update",
    ),
    path(
        "households/<int:pk>/members/add/",
        households.HouseholdMemberAddView.as_view(),
        name="household_member_add",
    ),
    path(
        "households/<int:pk>/members/<int:member_pk>/remove/",
        households.HouseholdMemberRemoveView.as_view(),
        name="household_member_remove",
    ),
    # key-focus tags, their reviews and the tag types
    path("tags/new/", tags.TagCreateView.as_view(), name="tag_create"),
    path("tags/<int:pk>/edit/", tags.TagUpdateView.as_view(), name="tag_update"),
    path("tags/<int:pk>/review/", tags.TagReviewView.as_view(), name="tag_review"),
    path("tags/<int:pk>/end/", tags.TagEndView.as_view(), name="tag_end"),
    path("reviews/", tags.ReviewListView.as_view(), name="review_list"),
    path("reviews/unit/", tags.ReviewListView.as_view(tab="unit"), name="review_list_unit"),
    path("tag-types/", tags.TagTypeListView.as_view(), name="tagtype_list"),
    path("tag-types/new/", tags.TagTypeCreateView.as_view(), name="tagtype_create"),
    path("tag-types/<int:pk>/edit/", tags.TagTypeUpdateView.as_view(), name="tagtype_update"),
    path(
        "tag-types/<int:pk>/deactivate/",
        tags.TagTypeActionView.as_view(action="deactivate"),
        name="tagtype_deactivate",
    ),
    path(
        "tag-types/<int:pk>/delete/",
        tags.TagTypeActionView.as_view(action="delete"),
        name="tagtype_delete",
    ),
    # visits
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", visits.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.VisitUpdateView.as_view(), name="visit_update"),
    # consents
    path("consents/new/", consents.ConsentCreateView.as_view(), name="consent_create"),
    path(
        "consents/<int:pk>/withdraw/",
        consents.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    # contact assignments
    path("contacts/", contacts.ContactListView.as_view(), name="contact_list"),
    path("contacts/mine/", contacts.MyContactsView.as_view(), name="my_contacts"),
    path("contacts/new/", contacts.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/edit/", contacts.ContactUpdateView.as_view(), name="contact_update"),
    path("contacts/<int:pk>/end/", contacts.ContactEndView.as_view(), name="contact_end"),
    # imports of person records from Excel
    path("imports/", importing.PersonImportListView.as_view(), name="person_import_list"),
    path("imports/template.xlsx", importing.person_import_template, name="person_import_template"),
    path("imports/<int:pk>/", importing.person_import_detail, name="person_import_detail"),
    path("imports/<int:pk>/status/", importing.person_import_status, name="person_import_status"),
    path("imports/<int:pk>/issues/", importing.person_import_issues, name="person_import_issues"),
    path(
        "imports/<int:pk>/issues.xlsx",
        importing.person_import_issues_xlsx,
        name="person_import_issues_xlsx",
    ),
]
