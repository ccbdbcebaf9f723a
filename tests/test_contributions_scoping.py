"""Everything the apps contribute to shared places stays inside the viewer's branch.

For every registered home panel, page section and menu item: what a user of 新华区 (branch B)
sees must not change when records are added in 和平区 (branch A). A control user of branch A,
with the same permissions, does see the change, so the records would show if anything leaked.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from jinguo.cadres.tests.factories import make_point, make_position
from jinguo.cases.models import Agency, Case, Referral
from jinguo.cases.services.attachments import attachment_add
from jinguo.cases.services.mediation import mediation_create
from jinguo.cases.tests.factories import make_case
from jinguo.core import registry
from jinguo.core.navigation import menu_for
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.places.tests.factories import make_place, meet
from jinguo.testing import samples
from jinguo.testing.factories import UserFactory, grant
from jinguo.volunteers.tests.factories import make_resolution

pytestmark = pytest.mark.django_db

PDF = samples.pdf()


def everything(unit):
    """A user of ``unit`` holding every permission of the platform's apps."""
    user = UserFactory(home_unit=unit)
    names = [
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(
            content_type__app_label__in=[
                "core",
                "orgs",
                "accounts",
                "people",
                "cases",
                "protection",
                "cadres",
                "places",
                "portal",
                "stats",
                "notices",
                "volunteers",
            ]
        ).select_related("content_type")
    ]
    grant(user, *names)
    return type(user).objects.get(pk=user.pk)


def render(user, template, context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        template, {**context, "user": user, "perms": PermWrapper(user), "request": request}
    )


def snapshot(user, objects) -> dict:
    seen = {"menu": repr(menu_for(user, "/"))}
    for panel, context in registry.panels_for(user):
        seen[panel.key] = render(user, panel.template, context)
    for obj in objects:
        page = {obj._meta.model_name: obj, "allowed": {"refer", "mediate", "attach"}}
        for section, context in registry.sections_for(user, obj):
            seen[f"{obj._meta.label_lower}/{section.key}"] = render(
                user, section.template, {**page, **context}
            )
    return seen


# One object of branch B for each model that has registered sections; a model added to the
# registry without an entry here fails the test, so its sections get checked too.
def section_objects(tree) -> dict:
    person = PersonFactory(org=tree.community_b, name="乙方人员")
    return {
        "people.person": person,
        "people.household": HouseholdFactory(org=tree.community_b),
        "cases.case": make_case(tree.community_b, complainant=person),
        "orgs.orgunit": tree.district_b,
    }


def fill_branch_a(tree, officer, person_b, case_b=None):
    """Open, overdue and sensitive work in branch A, some of it about B's person and case."""
    late = make_case(
        tree.community_a,
        category="family-violence",
        complainant=person_b,
        status="assigned",
        assigned_to=officer,
        due_at=timezone.now() - timedelta(days=3),
        due_state="overdue",
    )
    make_case(tree.street_a, summary="甲方求助", status="in_progress", assigned_to=officer)
    agency = Agency.objects.create(org=tree.district_a, name="和平区法律援助中心", kind="legal_aid")
    Referral.objects.create(
        case=late,
        agency=agency,
        request="协助申请保护令",
        consent_purpose=agency.consent_purpose,
        share_identity=False,
        org=late.org,
        is_sensitive=late.is_sensitive,
        due_at=timezone.now() - timedelta(days=1),
    )
    if case_b is not None:
        # A referral branch A made before the case was transferred to branch B stays A's.
        Referral.objects.create(
            case=case_b,
            agency=agency,
            request="转办前的转介",
            consent_purpose=agency.consent_purpose,
            share_identity=False,
            org=tree.community_a,
        )
    mediation_create(
        user=officer,
        case=late,
        held_at=timezone.now(),
        mode="federation",
        parties="甲、乙",
        mediators="调解员",
        outcome="agreed",
        statements="陈述",
        agreement="协议",
    )
    attachment_add(
        user=officer,
        case=late,
        upload=SimpleUploadedFile("证据.pdf", PDF, content_type="application/pdf"),
        description="证据",
    )
    PersonFactory(org=tree.community_a, name="甲方人员")
    # 队伍建设: a position in A held by B's person, an overdue contact point of A.
    make_position(tree.community_a, "executive", person=person_b)
    make_point(tree.street_a, place=tree.community_a, due_in_days=-5)
    # 妇女议事会: an overdue resolution of A's council.
    make_resolution(tree.community_a, due_in_days=-3)
    # 服务阵地: a 妇女之家 meeting its standard and a shelter in A.
    meet(make_place(tree.community_a, name="甲方妇女之家"))
    make_place(tree.district_a, kind_code="shelter", name="甲方庇护点")


def test_nothing_registered_shows_another_branchs_records(tree):
    objects = section_objects(tree)
    assert set(registry.registry.sections) <= set(objects), "add the new model to section_objects"
    viewer_b = everything(tree.district_b)
    control_a = everything(tree.district_a)
    # The control sees B's objects' sections too: the case in A names B's person.
    before_b = snapshot(viewer_b, objects.values())
    before_a = snapshot(control_a, [objects["people.person"]])
    assert set(before_b) >= {"cases.summary", "people.person/cases.person_cases"}

    fill_branch_a(tree, control_a, objects["people.person"], objects["cases.case"])
    assert Case.objects.filter(org_path__startswith=tree.district_a.path).count() == 2

    after_b = snapshot(viewer_b, objects.values())
    for key in sorted(set(before_b) | set(after_b)):
        assert before_b.get(key) == after_b.get(key), f"{key} shows records of another branch"
    after_a = snapshot(control_a, [objects["people.person"]])
    assert before_a["cases.summary"] != after_a["cases.summary"]
    assert (
        before_a["people.person/cases.person_cases"] != after_a["people.person/cases.person_cases"]
    )


def test_the_home_page_of_another_branch_is_unchanged_by_our_work(tree, client):
    objects = section_objects(tree)
    viewer_b = everything(tree.district_b)
    client.force_login(viewer_b)
    before = client.get("/").content.decode()
    fill_branch_a(tree, everything(tree.district_a), objects["people.person"])
    after = client.get("/").content.decode()
    assert without_tokens(before) == without_tokens(after)


def without_tokens(html: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", html)  # CSRF tokens differ per request
