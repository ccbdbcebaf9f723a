"""What the key-focus records app shows on the 工作台 (registered in contrib.py)."""

from django.urls import reverse
from django.utils.http import urlencode

from .models import ContactAssignment
from .selectors.contacts import my_contact_rows

SHOWN = 6


def contacts_panel(user) -> dict | None:
    """Her households and persons to visit, overdue first, each one tap from a visit form."""
    if not (user.has_perm("people.view_contactassignment") or user.has_perm("people.view_visit")):
        return None
    rows = my_contact_rows(user)
    if not rows:
        return None
    can_visit = user.has_perm("people.add_visit")
    home = reverse("core:home")
    items = []
    for row in rows[:SHOWN]:
        a: ContactAssignment = row.assignment
        target = {"person": a.person_id} if a.person_id else {"household": a.household_id}
        items.append(
            {
                "row": row,
                "visit_url": reverse("people:visit_create")
                + "?"
                + urlencode({**target, "next": home})
                if can_visit
                else "",
            }
        )
    return {
        "items": items,
        "total": len(rows),
        "overdue": sum(1 for r in rows if r.is_overdue),
        "due_soon": sum(1 for r in rows if not r.is_overdue and (r.next_due - r.today).days <= 7),
        "all_url": reverse("people:my_contacts"),
    }
