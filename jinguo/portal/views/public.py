"""The public pages: no login, own templates, every response hardened (security.py).

Nothing here reads a case except through the code and PIN the woman holds, and then only the
plain status and the replies published to her (selectors.public_view).
"""

import calendar
import logging

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from jinguo.places import selectors as place_selectors

from .. import choices, markdown, selectors
from ..forms import AppealForm, TrackForm, started_age, started_token
from ..models import KnowledgePage
from ..security import exit_url, lookup_allowed, setting, submission_allowed
from ..services.appeals import LookupRefused, appeal_lookup, appeal_submit, format_code

logger = logging.getLogger(__name__)


def _csrf_failed(request) -> bool:
    """The CSRF check, done here rather than by the middleware (the views are csrf_exempt), so
    that a woman whose cookie is gone — she cleared her history, as the safety notice says —
    gets the portal's own page back with her words, not the staff site's 403."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None


CSRF_MESSAGE = _lazy("为了您的安全，页面已重新验证，请检查后再点一次提交。")


def _render(request, template, context=None, status=200):
    return render(request, template, {"exit_url": exit_url(), **(context or {})}, status=status)


def too_many(request):
    return _render(request, "portal/public/too_many.html", status=429)


def home(request):
    return _render(
        request,
        "portal/public/home.html",
        {"campaigns": selectors.campaign_dates()[:2]},
    )


def safety(request):
    return _render(request, "portal/public/safety.html")


def _unit_or_404(pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    unit = selectors.pickable_units().filter(pk=pk).select_related("parent").first()
    if unit is None:
        raise Http404
    return unit


def place(request):
    """The place picker without JavaScript: browse down the tree or search by name."""
    q = "".join(ch for ch in (request.GET.get("q") or "") if ch.isprintable()).strip()[:30]
    parent = _unit_or_404(request.GET["in"]) if request.GET.get("in") else None
    units = selectors.unit_search(q) if q else selectors.unit_children(parent)
    kids = set(
        selectors.pickable_units()
        .filter(parent__in=[u.pk for u in units])
        .values_list("parent_id", flat=True)
    )
    rows = [{"unit": u, "has_children": u.pk in kids} for u in units]
    return _render(
        request,
        "portal/public/place.html",
        {
            "q": q,
            "parent": parent,
            "trail": selectors.unit_trail(parent) if parent else [],
            "rows": rows,
        },
    )


NEARBY_PAGE = 20


def nearby(request):
    """Find help nearby: public places (never a shelter) in an area she browses to or
    searches for, by kind, a page at a time. Works without JavaScript."""
    q = "".join(ch for ch in (request.GET.get("q") or "") if ch.isprintable()).strip()[:30]
    area = _unit_or_404(request.GET["in"]) if request.GET.get("in") else None
    kinds = list(place_selectors.public_kinds())
    kind = next((k for k in kinds if k.code == request.GET.get("kind")), None)
    units = selectors.unit_search(q) if q else selectors.unit_children(area)
    places = page = None
    if area is not None and not q:
        paginator = Paginator(
            place_selectors.public_place_queryset(unit=area, kind=kind), NEARBY_PAGE
        )
        page = paginator.get_page(request.GET.get("page"))
        places = [place_selectors.as_public(p) for p in page.object_list]
    return _render(
        request,
        "portal/public/nearby.html",
        {
            "q": q,
            "area": area,
            "trail": selectors.unit_trail(area) if area else [],
            "units": units,
            "kinds": kinds,
            "kind": kind,
            "places": places,
            "page": page,
        },
    )


_BLANK_FIELDS: dict[str, str] = {}


def blank_fields(form) -> str:
    """The visible fields of an empty appeal form, rendered once per process and language:
    they hold nothing of hers and nothing per request (the unit, start token and CSRF token
    are outside them), and rendering a dozen widgets was most of the form page's time."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    key = get_language() or ""
    html = _BLANK_FIELDS.get(key)
    if html is None:
        html = render_to_string("portal/public/_appeal_fields.html", {"form": form})
        _BLANK_FIELDS[key] = html
    return mark_safe(html)  # noqa: S308 — an auto-escaped template's output


@csrf_exempt
@require_http_methods(["GET", "POST"])
def appeal(request):
    unit = _unit_or_404(request.POST.get("unit") or request.GET.get("unit"))
    # The trail is read only if the form is shown again, not for an accepted appeal.
    ctx = {"unit": unit, "trail": lambda: selectors.unit_trail(unit)}
    if request.method == "GET":
        form = AppealForm(initial={"unit": unit.pk, "started": started_token()})
        return _render(
            request,
            "portal/public/appeal.html",
            {**ctx, "form": form, "blank_fields": blank_fields(form)},
        )

    form = AppealForm(request.POST, request.FILES)
    if _csrf_failed(request):
        form.is_valid()
        form.data = form.data.copy()
        form.data.update({"started": started_token()})
        form.add_error(None, CSRF_MESSAGE)
        return _render(request, "portal/public/appeal.html", {**ctx, "form": form}, status=403)
    if request.POST.get("website"):
        logger.info("portal: honeypot filled, submission refused")
        return _render(request, "portal/public/refused.html", status=400)
    age = started_age(request.POST.get("started"))
    fresh = {"started": started_token()}
    if age is None or age < setting("MIN_FILL_SECONDS", 5):
        form.is_valid()
        form.data = form.data.copy()
        form.data.update(fresh)
        if age is None:
            form.add_error(
                None, _("页面停留时间较长，为保护您的安全已重新计时，请检查后再点一次“提交”。")
            )
        else:
            form.add_error(None, _("提交得太快了，请检查内容后再点一次“提交”。"))
        return _render(request, "portal/public/appeal.html", {**ctx, "form": form}, status=400)
    if not form.is_valid():
        return _render(request, "portal/public/appeal.html", {**ctx, "form": form}, status=400)
    if not submission_allowed(request):
        return too_many(request)
    data = form.cleaned_data
    try:
        appeal_obj, code = appeal_submit(
            unit=unit,
            topic=data["topic"],
            story=data["story"],
            in_danger=data["in_danger"],
            contact_way=data["contact_way"],
            phone=data["phone"],
            safe_time=data["safe_time"],
            name=data["name"],
            anonymous=data["anonymous"],
            pin=data["pin"],
            uploads=data["files"],
        )
    except ValidationError as exc:
        form.add_service_error(exc)
        return _render(request, "portal/public/appeal.html", {**ctx, "form": form}, status=400)
    return _render(
        request,
        "portal/public/submitted.html",
        {"code": format_code(code), "in_danger": appeal_obj.in_danger},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return _render(request, "portal/public/track.html", {"form": TrackForm()})
    if _csrf_failed(request):
        return _render(
            request,
            "portal/public/track.html",
            {"form": TrackForm(), "notice": CSRF_MESSAGE},
            status=403,
        )
    if not lookup_allowed(request):
        return too_many(request)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _render(request, "portal/public/track.html", {"form": form}, status=400)
    try:
        found = appeal_lookup(code=form.cleaned_data["code"], pin=form.cleaned_data["pin"])
    except LookupRefused as refused:
        messages = {
            "wrong": _("查询码或查询密码不对，请检查后再试。"),
            "locked": _(
                "密码错误次数太多，这个查询码暂时锁定 %(m)d 分钟。着急的话请拨打 12338 妇女维权热线。"
            )
            % {"m": setting("LOCK_MINUTES", 30)},
            "expired": _("这个查询码已过期。如需了解办理情况，请拨打 12338 妇女维权热线。"),
        }
        form.add_error(None, messages[refused.reason])
        return _render(
            request, "portal/public/track.html", {"form": form, "refused": refused.reason}, 400
        )
    return _render(request, "portal/public/status.html", {"view": selectors.public_view(found)})


def rights(request):
    return _render(
        request,
        "portal/public/rights.html",
        {
            "pages": selectors.published_pages(choices.PageKind.PAGE),
            "faqs": [
                {"page": p, "html": markdown.render(p.body)}
                for p in selectors.published_pages(choices.PageKind.FAQ)
            ],
        },
    )


def not_found(request, rest=""):
    raise Http404


def rights_page(request, pk: int):
    page = get_object_or_404(KnowledgePage, pk=pk, is_published=True)
    return _render(
        request,
        "portal/public/rights_page.html",
        {"page": page, "html": markdown.render(page.body)},
    )


def schedule(request):
    return _render(
        request,
        "portal/public/schedule.html",
        {"slots": selectors.upcoming_slots(), "campaigns": selectors.campaign_dates()},
    )


def neutral(request):
    """The quick exit's default landing: a plain calendar, with nothing of the portal."""
    today = timezone.localdate()
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(today.year, today.month)
    return render(request, "portal/neutral.html", {"today": today, "weeks": weeks})
