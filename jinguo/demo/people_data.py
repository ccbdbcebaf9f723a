"""A living demo registry for 示范市: persons, households, tags, consents, contacts and visits.

Everything is fictional. Resident ID numbers use a real province prefix (3205xx) so that they
pass the GB 11643 checks, with random birth dates and sequence numbers and a correct check
digit. Records are written with the ORM in bulk, but their derived values follow the services:
``person_fill_derived`` for every person, the sensitivity rule of
``person_refresh_sensitivity`` copied onto tags, visits, consents and contacts, a household
sensitive when one of its members is, and two shares (view, change) per contact assignment,
with the reason ``contact_share_reason`` gives. Loading is skipped when the demo city already
has persons, so running the demo command again changes nothing.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.core import audit
from jinguo.core.identity import check_char
from jinguo.core.models import AuditKind, Share
from jinguo.core.scoping import grants_changed
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people import choices
from jinguo.people.models import (
    Consent,
    ContactAssignment,
    FocusTagType,
    Household,
    HouseholdMember,
    Person,
    PersonTag,
    Visit,
)
from jinguo.people.services.derived import person_fill_derived
from jinguo.people.services.tags import ensure_default_tag_types

from . import tree

# Surnames with rough weights after China's own frequencies (王李张刘陈 lead).
SURNAMES = (
    ("王", 72), ("李", 70), ("张", 66), ("刘", 52), ("陈", 46), ("杨", 32), ("赵", 20),
    ("黄", 19), ("周", 18), ("吴", 18), ("徐", 13), ("孙", 12), ("胡", 10), ("朱", 10),
    ("高", 10), ("林", 9), ("何", 9), ("郭", 9), ("马", 9), ("罗", 7), ("梁", 7), ("宋", 6),
    ("郑", 6), ("谢", 5), ("韩", 5), ("唐", 5), ("冯", 5), ("于", 5), ("董", 5), ("萧", 4),
    ("程", 4), ("曹", 4), ("袁", 4), ("邓", 4), ("许", 4), ("傅", 4), ("沈", 4), ("曾", 4),
    ("彭", 4), ("吕", 4), ("苏", 3), ("卢", 3), ("蒋", 3), ("蔡", 3), ("贾", 3), ("丁", 3),
    ("魏", 3), ("薛", 3), ("叶", 3), ("阎", 3), ("余", 3), ("潘", 3), ("杜", 3), ("戴", 3),
    ("夏", 3), ("钟", 3), ("汪", 3), ("田", 3), ("任", 3), ("姜", 3), ("范", 2), ("方", 2),
    ("石", 2), ("姚", 2), ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2),
    ("郝", 2), ("孔", 2), ("白", 2), ("崔", 2), ("康", 2), ("毛", 2), ("邱", 2), ("秦", 2),
    ("江", 2), ("史", 2), ("顾", 2), ("侯", 2), ("邵", 2), ("孟", 2), ("龙", 2), ("万", 2),
    ("段", 2), ("雷", 2), ("钱", 2), ("汤", 2), ("尹", 2), ("黎", 2), ("易", 2), ("常", 2),
    ("武", 2), ("乔", 2), ("贺", 2), ("赖", 2), ("龚", 2), ("文", 2), ("欧阳", 1), ("司马", 1),
)  # fmt: skip
FEMALE_GIVEN = (  # noqa: SIM905 — a block of names reads better than a list of strings
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉珍 玉英 兰英 丽 芳 娜 敏 静 艳 娟 霞 燕 玲 "
    "丹 萍 红 婷 雪 琳 洁 颖 倩 慧 莉 梅 琴 云 莹 晶 蕾 薇 欣 怡 "
    "丽娟 丽华 海燕 雪梅 春梅 秀梅 红梅 晓燕 晓红 晓丽 美玲 美华 淑珍 淑芬 淑华 "
    "桂芳 桂珍 金凤 凤兰 翠兰 翠英 佳怡 欣怡 梓涵 诗涵 子涵 雨涵 思雨 一诺 语桐 "
    "雨欣 可馨 佳琪 梦瑶 雅静 婉婷 慧敏 文静 晓梅 春燕 秋菊 冬梅 月娥 素芬 爱华 "
    "建华 春兰 玉梅 丽萍 小红 小燕 小芳 小丽 若曦 欣妍"
).split()
MALE_GIVEN = (  # noqa: SIM905
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 "
    "建华 建国 志强 志明 海涛 国强 子轩 浩然 宇轩 梓豪 俊杰 皓轩 一鸣 子墨"
).split()
ID_AREAS = ("320502", "320505", "320506", "320507", "320508", "320509")
ORIGINS = ("安徽省阜阳市", "河南省信阳市", "四川省南充市", "江西省上饶市", "湖北省黄冈市")
FOCUS_WEIGHTS = {"990101001001": 8, "990101001001G01": 10, "990101001001G02": 4}

# Household kinds: weight, and what they are made of.
HOUSEHOLD_KINDS = (
    ("left_behind", 30),
    ("nuclear", 30),
    ("single_mother", 15),
    ("dv", 10),
    ("elderly_alone", 15),
    ("floating", 15),
    ("difficulty", 8),
    ("disabled", 8),
)
SITUATIONS = {
    "left_behind": "丈夫在外务工，本人照看孩子和老人，家庭收入主要靠务工汇款。",
    "nuclear": "家庭关系和睦，孩子上学正常。",
    "single_mother": "独自抚养孩子，工作时间长，接送孩子有困难。",
    "dv": "本人反映近期仍有争吵，情绪较低落；已告知 12338 热线和社区求助方式。",
    "elderly_alone": "老人独居，行动较慢，子女每月回来一次；家中用电用气检查正常。",
    "floating": "租住在社区，刚来本地不久，希望了解孩子入学和就业信息。",
    "difficulty": "孩子由祖母照看，学习基础较弱，祖母身体一般。",
    "disabled": "持残疾人证，日常生活基本能自理，希望参加手工技能培训。",
}
NEEDS = {
    "left_behind": "希望孩子参加暑期托管班。",
    "single_mother": "希望推荐就近的灵活就业岗位。",
    "dv": "需要法律咨询，了解人身安全保护令的申请。",
    "elderly_alone": "希望安装紧急呼叫设备。",
    "floating": "咨询随迁子女入学政策。",
    "difficulty": "需要学业辅导志愿者。",
    "disabled": "希望参加巾帼家政培训。",
}


@dataclass
class Draft:
    person: Person
    tags: list[str] = field(default_factory=list)
    kind: str = ""
    relationship: str = choices.Relationship.HEAD


class Builder:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        names, weights = zip(*SURNAMES, strict=True)
        self.surnames, self.surname_weights = names, weights
        self.sequence: dict[tuple[str, date], int] = defaultdict(int)

    def birth(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randrange(low * 365 + 30, high * 365 + 300))

    def id_number(self, birth: date, gender: str) -> str:
        area = self.rng.choice(ID_AREAS)
        n = self.sequence[(area, birth)] = self.sequence[(area, birth)] + 1
        # Odd for men, even for women; counted per area and day, so never repeated.
        order = 100 + n * 2 + (1 if gender == "M" else 0)
        body = f"{area}{birth:%Y%m%d}{order:03d}"
        return body + check_char(body)

    def phone(self) -> str:
        return f"1{self.rng.choice('358')}{self.rng.randrange(10)}{self.rng.randrange(10**8):08d}"

    def person(
        self,
        unit: OrgUnit,
        address: str,
        *,
        gender: str,
        age: tuple[int, int],
        surname=None,
        **values,
    ) -> Person:
        rng = self.rng
        surname = surname or rng.choices(self.surnames, weights=self.surname_weights)[0]
        given = rng.choice(FEMALE_GIVEN if gender == "F" else MALE_GIVEN)
        birth = self.birth(*age)
        adult = age[0] >= 18
        has_id = rng.random() < 0.95
        person = Person(
            org=unit,
            org_path=unit.path,
            name=surname + given,
            gender=gender,
            birth_date=birth,
            id_type=choices.IdType.RESIDENT if has_id else choices.IdType.NONE,
            id_number=self.id_number(birth, gender) if has_id else "",
            phone=self.phone() if adult and rng.random() < 0.9 else "",
            address=address,
            education=rng.choice(choices.Education.values) if adult else choices.Education.PRIMARY,
            marital_status=choices.MaritalStatus.MARRIED if adult else choices.MaritalStatus.SINGLE,
            employment=rng.choice(
                [
                    choices.Employment.EMPLOYED,
                    choices.Employment.FARMING,
                    choices.Employment.SELF_EMPLOYED,
                ]
            )
            if adult
            else choices.Employment.STUDENT,
        )
        for key, value in values.items():
            setattr(person, key, value)
        return person


def _address(unit: OrgUnit, ancestors: dict[str, OrgUnit], rng: random.Random) -> str:
    community = unit if unit.kind != UnitKind.GRID else ancestors[unit.path.split("/")[-3]]
    street = ancestors[community.path.split("/")[-3]]
    district = ancestors[street.path.split("/")[-3]]
    base = community.name.removesuffix("妇联")
    place = f"示范市{district.name.removesuffix('妇联')}{street.name.removesuffix('妇联')}"
    if base.endswith("村"):
        return f"{place}{base}{rng.randint(1, 9)}组{rng.randint(1, 60)}号"
    road = base.removesuffix("社区")
    return f"{place}{road}路{rng.randint(1, 200)}号{rng.randint(1, 12)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室"


def _household_members(b: Builder, kind: str, unit: OrgUnit, address: str) -> list[Draft]:
    rng = b.rng
    surname = rng.choices(b.surnames, weights=b.surname_weights)[0]
    drafts: list[Draft] = []
    R = choices.Relationship
    L = choices.LivingSituation

    def woman(age=(25, 50), **kw):
        return b.person(unit, address, gender="F", age=age, **kw)

    def child(**kw):
        gender = rng.choice("FM")
        return b.person(unit, address, gender=gender, age=(3, 16), surname=surname, **kw)

    if kind == "left_behind":
        drafts.append(Draft(woman(living_situation=L.LEFT_BEHIND), ["留守妇女"], kind))
        for _i in range(rng.randint(1, 2)):
            drafts.append(Draft(child(living_situation=L.LEFT_BEHIND), ["留守儿童"], kind, R.CHILD))
        if rng.random() < 0.4:
            drafts.append(Draft(woman((60, 78), surname=surname), [], kind, R.PARENT))
    elif kind == "nuclear":
        drafts.append(
            Draft(b.person(unit, address, gender="M", age=(28, 55), surname=surname), [], kind)
        )
        drafts.append(Draft(woman(), [], kind, R.SPOUSE))
        for _i in range(rng.randint(1, 2)):
            drafts.append(Draft(child(), [], kind, R.CHILD))
    elif kind == "single_mother":
        tags = ["单亲母亲"] + (["贫困母亲"] if rng.random() < 0.5 else [])
        mother = woman(marital_status=choices.MaritalStatus.DIVORCED)
        drafts.append(Draft(mother, tags, kind))
        for _i in range(rng.randint(1, 2)):
            drafts.append(Draft(child(), [], kind, R.CHILD))
    elif kind == "dv":
        drafts.append(Draft(woman(), ["家庭暴力受害人"], kind))
        drafts.append(
            Draft(
                b.person(unit, address, gender="M", age=(28, 55), surname=surname),
                [],
                kind,
                R.SPOUSE,
            )
        )
        if rng.random() < 0.7:
            drafts.append(Draft(child(), [], kind, R.CHILD))
    elif kind == "elderly_alone":
        drafts.append(
            Draft(
                woman(
                    (80, 92),
                    marital_status=choices.MaritalStatus.WIDOWED,
                    living_situation=L.ALONE,
                    employment=choices.Employment.RETIRED,
                ),
                ["独居高龄妇女"],
                kind,
            )
        )
    elif kind == "floating":
        drafts.append(
            Draft(
                woman(registration=choices.Registration.FLOATING, origin_place=rng.choice(ORIGINS)),
                ["流动妇女"] + (["失业失地妇女"] if rng.random() < 0.3 else []),
                kind,
            )
        )
        drafts.append(Draft(child(registration=choices.Registration.FLOATING), [], kind, R.CHILD))
    elif kind == "difficulty":
        drafts.append(Draft(woman((60, 75), surname=surname), [], kind))
        drafts.append(
            Draft(child(living_situation=L.WITH_GRANDPARENTS), ["困境儿童"], kind, R.GRANDCHILD)
        )
    else:  # disabled
        drafts.append(
            Draft(
                woman((30, 60), disability=rng.choice(["physical", "visual", "hearing"])),
                ["残疾妇女"] + (["两癌患病妇女"] if rng.random() < 0.3 else []),
                kind,
            )
        )
        if rng.random() < 0.6:
            drafts.append(
                Draft(
                    b.person(unit, address, gender="M", age=(30, 60), surname=surname),
                    [],
                    kind,
                    R.SPOUSE,
                )
            )
    return drafts


def _placed_units(units: list[OrgUnit]) -> tuple[list[OrgUnit], list[int]]:
    weights = [FOCUS_WEIGHTS.get(u.code, 2 if u.kind == UnitKind.GRID else 1) for u in units]
    return units, weights


def load_people(*, stdout=None, seed: int = 2026) -> dict[str, int]:
    """Load the demo registry once; returns what was created (all zero when skipped)."""
    counts = dict.fromkeys(
        ("persons", "households", "members", "tags", "consents", "contacts", "visits", "shares"), 0
    )
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None:
        raise RuntimeError("the demo units are missing: run `manage.py demo` first")
    if Person.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None:
            stdout.write("示范人员档案已存在，跳过。")
        return counts
    ensure_default_tag_types()
    rng = random.Random(seed)
    today = timezone.localdate()
    b = Builder(rng, today)
    everything = {u.code: u for u in OrgUnit.objects.filter(path__subtree=city.path)}
    units, weights = _placed_units(
        sorted(
            (
                u
                for u in everything.values()
                if u.kind in (UnitKind.COMMUNITY, UnitKind.GRID) and u.path.count("/") >= 4
            ),
            key=lambda u: u.path,
        )
    )
    tag_types = {t.name: t for t in FocusTagType.objects.all()}
    users = {
        u.username: u for u in User.objects.filter(username__in=[row[0] for row in tree.USERS])
    }

    households: list[tuple[Household, list[Draft]]] = []
    kinds, kind_weights = zip(*HOUSEHOLD_KINDS, strict=True)
    for _i in range(150):
        unit = rng.choices(units, weights=weights)[0]
        address = _address(unit, everything, rng)
        kind = rng.choices(kinds, weights=kind_weights)[0]
        drafts = _household_members(b, kind, unit, address)
        household = Household(
            org=unit, org_path=unit.path, name=f"{drafts[0].person.name}家", address=address
        )
        households.append((household, drafts))
    singles: list[Draft] = []
    for i in range(90):
        unit = rng.choices(units, weights=weights)[0]
        tags = [["两癌患病妇女"], ["贫困母亲"], ["失业失地妇女"], ["残疾妇女"], [], []][i % 6]
        person = b.person(unit, _address(unit, everything, rng), gender="F", age=(22, 70))
        if "残疾妇女" in tags:
            person.disability = choices.Disability.PHYSICAL
        singles.append(Draft(person, tags, "single"))

    drafts = [d for _h, ds in households for d in ds] + singles
    for d in drafts:
        person_fill_derived(d.person)
        d.person.is_sensitive = d.person.is_minor or any(tag_types[t].sensitive for t in d.tags)
    with transaction.atomic():
        Person.objects.bulk_create([d.person for d in drafts], batch_size=500)
        for household, members in households:
            household.head = members[0].person
            household.is_sensitive = any(d.person.is_sensitive for d in members)
        Household.objects.bulk_create([h for h, _m in households], batch_size=500)
        memberships = [
            HouseholdMember(
                household=h,
                person=d.person,
                relationship=d.relationship,
                joined_on=today - timedelta(days=rng.randrange(30, 3000)),
            )
            for h, members in households
            for d in members
        ]
        HouseholdMember.objects.bulk_create(memberships, batch_size=500)
        tags = _tags(drafts, tag_types, users, today, rng)
        PersonTag.objects.bulk_create(tags, batch_size=500)
        consents = _consents(drafts, households, users, today, rng)
        Consent.objects.bulk_create(consents, batch_size=500)
        contacts, visits, shares = _contacts(households, singles, everything, users, today, rng)
        counts.update(
            persons=len(drafts),
            households=len(households),
            members=len(memberships),
            tags=len(tags),
            consents=len(consents),
            contacts=len(contacts),
            visits=len(visits),
            shares=len(shares),
        )
        audit.write_event(
            kind=AuditKind.CHANGE, action="demo_load", obj=city, detail={"people": counts}
        )
    if stdout is not None:
        stdout.write(
            "示范人员档案：{persons} 人、{households} 户、{tags} 个关注标签、{consents} 条同意记录、"
            "{contacts} 个联系关系、{visits} 条走访记录。".format(**counts)
        )
    return counts


def _tags(drafts: list[Draft], tag_types: dict, users: dict, today: date, rng) -> list[PersonTag]:
    rows = []
    for d in drafts:
        for name in d.tags:
            tag_type = tag_types[name]
            days = tag_type.review_days
            overdue = rng.random() < 0.25
            if overdue:
                last = today - timedelta(days=days + rng.randint(1, 30))
            else:
                last = today - timedelta(days=rng.randrange(0, days))
            since = last - timedelta(days=rng.randrange(0, 400))
            responsible = _responsible(d.person, users)
            rows.append(
                PersonTag(
                    person=d.person,
                    tag_type=tag_type,
                    org_id=d.person.org_id,
                    org_path=d.person.org_path,
                    since=since,
                    reason=str(tag_type.description)[:200],
                    responsible=responsible,
                    review_days=days,
                    last_reviewed_on=last if last > since else None,
                    next_review_on=last + timedelta(days=days),
                    is_sensitive=d.person.is_sensitive,
                )
            )
    return rows


def _responsible(person: Person, users: dict):
    """The demo worker nearest the person: her grid's or community's, else the district's."""
    for username in ("grid", "chair", "chair2", "jiedao", "weiquan", "weiquan2"):
        user = users.get(username)
        if user is not None and person.org_path.startswith(user.home_unit.path):
            return user
    return None


def _consents(drafts, households, users, today: date, rng) -> list[Consent]:
    guardians = {}
    for _household, members in households:
        head = members[0].person
        for d in members[1:]:
            guardians[id(d.person)] = head
    shares_for = {
        "家庭暴力受害人": ["share_police", "share_legal_aid", "share_shelter"],
        "困境儿童": ["share_civil_affairs", "share_education"],
        "留守儿童": ["share_education"],
        "两癌患病妇女": ["share_health"],
        "贫困母亲": ["share_civil_affairs"],
        "失业失地妇女": ["share_hr"],
    }
    rows = []
    for d in drafts:
        if not d.tags:
            continue
        person = d.person
        recorder = _responsible(person, users)
        minor = person.age(today) is not None and person.age(today) < 14
        guardian = guardians.get(id(person)) if minor else None
        purposes = ["processing"]
        for name in d.tags:
            purposes += [p for p in shares_for.get(name, []) if rng.random() < 0.7]
        for purpose in dict.fromkeys(purposes):
            rows.append(
                Consent(
                    person=person,
                    org_id=person.org_id,
                    org_path=person.org_path,
                    purpose=purpose,
                    scope="建档、走访和帮扶服务"
                    if purpose == "processing"
                    else "转介帮扶所需的必要信息",
                    given_on=today - timedelta(days=rng.randrange(1, 300)),
                    method=rng.choice(["written", "written", "oral", "electronic"]),
                    guardian_name=guardian.name if guardian else "",
                    guardian_relation=("母亲" if guardian.gender == "F" else "父亲")
                    if guardian
                    else "",
                    recorded_by=recorder,
                    is_sensitive=person.is_sensitive,
                )
            )
    return rows


def _contacts(households, singles, units: dict, users: dict, today: date, rng):
    """Contact assignments of the demo workers with their shares and visits (some overdue)."""
    assigned: list[tuple[str, str, object, list[Draft]]] = []  # worker, assigner, target, drafts
    for household, members in households:
        path = household.org_path
        if "grid" in users and path.startswith(users["grid"].home_unit.path):
            assigned.append(("grid", "chair", household, members))
        elif "chair" in users and path.startswith(users["chair"].home_unit.path):
            if any(d.tags for d in members):
                assigned.append(("chair", "chair", household, members))
        elif "chair2" in users and path.startswith(users["chair2"].home_unit.path):
            assigned.append(("chair2", "chair2", household, members))
        for d in members:
            if "家庭暴力受害人" in d.tags:
                for worker, boss in (
                    ("jiedao", "jiedao"),
                    ("weiquan", "weiquan"),
                    ("weiquan2", "weiquan2"),
                ):
                    if worker in users and path.startswith(users[worker].home_unit.path):
                        assigned.append((worker, boss, d.person, [d]))
                        break
    for d in singles:
        if (
            d.tags
            and "chair" in users
            and d.person.org_path.startswith(users["chair"].home_unit.path)
        ):
            assigned.append(("chair", "chair", d.person, [d]))

    contacts, visits, shares = [], [], []
    person_type = ContentType.objects.get_for_model(Person, for_concrete_model=False)
    household_type = ContentType.objects.get_for_model(Household, for_concrete_model=False)
    for worker_name, _assigner, target, members in assigned:
        worker = users[worker_name]
        is_person = isinstance(target, Person)
        every = 14 if any("家庭暴力受害人" in d.tags for d in members) else 30
        contacts.append(
            ContactAssignment(
                worker=worker,
                person=target if is_person else None,
                household=None if is_person else target,
                org_id=target.org_id,
                org_path=target.org_path,
                since=today - timedelta(days=rng.randrange(120, 700)),
                visit_every_days=every,
                is_sensitive=target.is_sensitive,
            )
        )
    ContactAssignment.objects.bulk_create(contacts, batch_size=500)
    for contact, (_worker, assigner_name, target, members) in zip(contacts, assigned, strict=True):
        is_person = isinstance(target, Person)
        for action in ("view", "change"):
            shares.append(
                Share(
                    content_type=person_type if is_person else household_type,
                    object_id=target.pk,
                    user=contact.worker,
                    action=action,
                    # The reason contacts.contact_share_reason gives, so ending the contact
                    # revokes exactly this grant.
                    reason=f"联系点指派 #{contact.pk}",
                    granted_by=users.get(assigner_name),
                    granted_at=timezone.now(),
                )
            )
        state = rng.random()
        if state < 0.1:
            continue  # never visited yet: overdue from the start
        # Most are up to date; about a third are overdue for their next visit.
        last = (
            rng.randrange(1, contact.visit_every_days)
            if state < 0.65
            else contact.visit_every_days + rng.randrange(5, 60)
        )
        kind = members[0].kind
        for n in range(rng.randint(1, 4)):
            visited = today - timedelta(days=last + n * contact.visit_every_days)
            if visited < contact.since:
                break
            follow = rng.random() < 0.25 and n == 0
            visits.append(
                Visit(
                    person=target if is_person else None,
                    household=None if is_person else target,
                    org_id=target.org_id,
                    org_path=target.org_path,
                    visited_on=visited,
                    method=rng.choice(["home", "home", "phone", "online", "office"]),
                    met_whom=members[0].person.name if rng.random() < 0.8 else "家属",
                    situation=SITUATIONS.get(kind, "本人近况稳定，无新的困难。"),
                    needs=NEEDS.get(kind, "") if rng.random() < 0.5 else "",
                    follow_up_needed=follow,
                    follow_up_on=visited + timedelta(days=14) if follow else None,
                    worker=contact.worker,
                    is_sensitive=target.is_sensitive,
                )
            )
    Share.objects.bulk_create(shares, batch_size=500)
    grants_changed()
    Visit.objects.bulk_create(visits, batch_size=500)
    return contacts, visits, shares
