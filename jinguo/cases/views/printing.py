"""Printables: the case file for court evidence and the decline notice (不予受理告知书).

The case file ends with a SHA-256 of a canonical JSON of exactly what it shows; the same
hash goes into an access audit row, so a printed copy can later be checked against the
trail and against the record as it stands.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import choices
from ..printables import case_file_printed, decline_notice_printed, person_name
from .cases import visible_case


@login_required
def case_print(request, pk):
    user = request.user
    if not user.has_perm("cases.print_case"):
        raise Http404
    case = visible_case(user, pk)
    reveal = user.has_perm("core.reveal_pii")
    content, digest, printed_at = case_file_printed(user, case, reveal=reveal)
    ctx = {
        "case": case,
        "c": content,
        "sha256": digest,
        "printed_at": printed_at,
        "printed_by": user,
        "reveal": reveal,
        "title": _("个案卷宗 %(number)s") % {"number": case.number},
    }
    return render(request, "cases/case_print.html", ctx)


@login_required
def case_decline_notice(request, pk):
    user = request.user
    if not (user.has_perm("cases.print_case") or user.has_perm("cases.dispatch_case")):
        raise Http404
    case = visible_case(user, pk)
    if case.status != choices.Status.DECLINED:
        raise Http404
    declined = (
        case.events.filter(kind=choices.EventKind.DECLINED).order_by("-at").only("at").first()
    )
    complainant = ""
    if case.complainant_id and not case.anonymous:
        complainant = person_name(case.complainant, user.has_perm("core.reveal_pii"))
    decline_notice_printed(user, case)
    ctx = {
        "case": case,
        "complainant": complainant,
        "declined_at": declined.at if declined else case.updated_at,
        "today": timezone.localdate(),
        "title": _("不予受理告知书"),
    }
    return render(request, "cases/decline_notice.html", ctx)
