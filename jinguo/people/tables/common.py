"""What the tables of the records around a person share: the links and badges.

As on the person list, names are shown in full on screen (the rows are already scoped) and
masked in the Excel export; addresses are always masked; visit narratives are never listed.
"""

from django.urls import reverse
from django.utils.html import format_html

TABLE_ATTRS = {"class": "table table-vcenter card-table"}


def person_link(person):
    if person is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("people:person_detail", args=[person.pk]), person.name
    )


def household_link(household):
    if household is None:
        return "—"
    return format_html('<a href="{}">{}</a>', household.get_absolute_url(), household.name)


def yes_no_badge(value, yes, no, yes_css="bg-green-lt", no_css="bg-secondary-lt"):
    return format_html(
        '<span class="badge {}">{}</span>', yes_css if value else no_css, yes if value else no
    )
