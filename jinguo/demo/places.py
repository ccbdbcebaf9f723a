"""Demo service places (阵地) in 示范市: every kind, some failing their standard, some not
checked for over a year, coverage with gaps, activity logs, and 和平区's shelter (its address
seen only by its staff). Everything goes through the places services. Safe to run again."""

import random
from datetime import timedelta

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.places import services
from jinguo.places.defaults import load_defaults
from jinguo.places.models import Place, PlaceKind
from jinguo.protection.models import Shelter

from . import tree

OFFICERS = {"990101": "weiquan", "990102": "weiquan2", "990103": "weiquan3"}
HOURS = ["周一至周五 9:00-17:00", "周二、周四 14:00-17:00", "每天 8:30-17:30", "周六 9:00-12:00"]
ROADS = ["春风路", "和平街", "新华大道", "滨江路", "青禾路", "望江巷", "康宁路", "明德路"]
# (kind code, share of communities that have one, share of those meeting the standard)
COMMUNITY_KINDS = [
    ("womens_home", 0.9, 0.8),
    ("rights_station", 0.7, 0.6),
    ("childrens_home", 0.5, 0.7),
    ("family_education", 0.3, 0.6),
    ("volunteer_station", 0.3, 0.8),
    ("migrant_home", 0.15, 0.5),
]
TOWNSHIP_KINDS = [
    ("rights_station", 1.0, 0.8),
    ("dispute_window", 0.8, 0.7),
    ("family_mediation", 0.6, 0.6),
    ("counselling_room", 0.4, 0.5),
]
ACTIVITIES = [
    ("talk", "姐妹谈心会", 8),
    ("legal", "《反家庭暴力法》普法讲座", 35),
    ("mediation", "婚姻家庭纠纷调解", 3),
    ("lecture", "家庭教育公益课堂", 28),
    ("event", "三八节巾帼志愿服务", 40),
    ("counselling", "心理健康咨询日", 12),
]


def _label(unit: OrgUnit) -> str:
    return unit.name.removesuffix("妇联")


def _make(rng, user, unit, kind, *, meets: bool, today, stale=False):
    place = services.place_create(
        user=user,
        org=unit,
        kind=kind,
        name=f"{_label(unit)}{kind.name.split('/')[0]}",
        address=f"{rng.choice(ROADS)}{rng.randint(1, 300)}号",
        opening_hours=rng.choice(HOURS),
        phone=f"0999-{rng.randint(6000000, 6999999)}",
        volunteers="\n".join(rng.sample(["王秀兰", "李红梅", "张桂芳", "刘淑珍", "陈玉华"], 2)),
        is_public=not kind.confidential,
    )
    items = list(kind.items.filter(is_active=True))
    results = {i.pk: True for i in items}
    if not meets:
        for item in rng.sample(items, k=rng.randint(1, min(2, len(items)))):
            results[item.pk] = False
    checked_on = today - timedelta(days=rng.randint(400, 600) if stale else rng.randint(5, 200))
    services.place_check(user=user, place=place, results=results, checked_on=checked_on)
    return place


def load_places(*, stdout=None) -> dict:
    load_defaults()
    city = OrgUnit.objects.get(code=tree.CITY[0])
    if Place.objects.filter(org_path__subtree=city.path).exists():
        return {"places": 0}
    rng = random.Random(1325)
    today = timezone.localdate()
    kinds = {k.code: k for k in PlaceKind.objects.all()}
    created = 0
    for district_code, username in OFFICERS.items():
        user = User.objects.filter(username=username).first()
        district = OrgUnit.objects.filter(code=district_code).first()
        if user is None or district is None:
            continue
        units = OrgUnit.objects.filter(path__subtree=district.path, is_active=True)
        for unit in units.filter(kind=UnitKind.TOWNSHIP).order_by("path"):
            for code, share, meets in TOWNSHIP_KINDS:
                if rng.random() < share:
                    _make(rng, user, unit, kinds[code], meets=rng.random() < meets, today=today)
                    created += 1
        for unit in units.filter(kind=UnitKind.COMMUNITY).order_by("path"):
            for code, share, meets in COMMUNITY_KINDS:
                # 芳草 (the chair's community) has every kind it may have, meeting the standard.
                model = unit.code == "990101001001"
                if model or rng.random() < share:
                    place = _make(
                        rng,
                        user,
                        unit,
                        kinds[code],
                        meets=model or rng.random() < meets,
                        today=today,
                        stale=not model and rng.random() < 0.12,
                    )
                    created += 1
                    if code == "womens_home":
                        for kind, title, people in rng.sample(ACTIVITIES, 3):
                            services.activity_add(
                                user=user,
                                place=place,
                                kind=kind,
                                held_on=today - timedelta(days=rng.randint(1, 120)),
                                title=title,
                                attendance=people + rng.randint(0, 10),
                            )
    # 和平区's shelter: the protection app's 和平区反家暴临时庇护站, whose staff see its address.
    weiquan = User.objects.filter(username="weiquan").first()
    district = OrgUnit.objects.filter(code="990101").first()
    if weiquan is not None and district is not None:
        shelter = Shelter.objects.filter(org=district).order_by("pk").first()
        place = services.place_create(
            user=weiquan,
            org=district,
            kind=kinds["shelter"],
            name="和平区反家暴临时庇护站",
            address=shelter.address if shelter else "和平区安澜路 18 号后院",
            phone="0999-6120000",
            opening_hours="24 小时",
            staff=list(shelter.staff.all()) if shelter else [weiquan],
            shelter=shelter,
            is_public=False,
        )
        items = place.kind.items.filter(is_active=True)
        services.place_check(
            user=weiquan,
            place=place,
            results={i.pk: True for i in items},
            checked_on=today - timedelta(days=30),
        )
        created += 1
    if stdout is not None:
        stdout.write(f"服务阵地 {created} 个。")
    return {"places": created}
