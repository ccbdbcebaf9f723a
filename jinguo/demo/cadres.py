"""Demo data of 队伍建设: every street and community of 示范市 after a recent election (the
previous term in the history), contact points (some visits overdue), "one woman, one
household" pairings (some cadres not yet paired) and trainings (some rights cadres due)."""

import random
from datetime import date, timedelta

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cadres.defaults import ensure_defaults
from jinguo.cadres.models import (
    Attendance,
    Candidate,
    ContactPoint,
    ContactVisit,
    Election,
    Pairing,
    Position,
    PositionType,
    Qualification,
    Training,
)
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Household, Person
from jinguo.people.services.derived import person_fill_derived

from . import tree

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "秀英",
    "桂英",
    "丽华",
    "玉兰",
    "海燕",
    "红梅",
    "春燕",
    "晓燕",
    "丽娟",
    "雪梅",
    "静",
    "敏",
    "芳",
    "霞",
    "琳",
    "婷",
    "慧",
    "颖",
    "洁",
    "萍",
]
EDUCATION = ["junior", "senior", "senior", "college", "college", "bachelor", "bachelor"]
HELPS = ["婚姻家庭纠纷调解", "妇女儿童维权咨询", "家庭教育指导", "困难妇女帮扶", "就业创业信息"]
COMMUNITY_KINDS = (UnitKind.COMMUNITY,)


def _bulk(model, objs):
    """bulk_create skips ScopedModel.save, which copies the unit's path: copy it here."""
    objs = list(objs)
    for obj in objs:
        obj.org_path = obj.org.path
    return model.objects.bulk_create(objs)


def _person(rng, unit, today):
    person = Person(
        org=unit,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        gender="F" if rng.random() < 0.92 else "M",
        birth_date=date(today.year - rng.randint(28, 62), rng.randint(1, 12), rng.randint(1, 28)),
        education=rng.choice(EDUCATION),
        notes="示范数据：妇联执委",
    )
    person_fill_derived(person)
    person.save()
    return person


def _term(rng, unit, types, today, *, held_on, start, end_on, keep=()):
    """One election of ``unit`` and the positions it produced (ended on ``end_on``)."""
    election = Election.objects.create(
        org=unit,
        held_on=held_on,
        method="competitive",
        term_starts_on=start,
        voters_total=45,
        voters_present=rng.randint(38, 45),
        status="in_effect",
        reported_on=held_on + timedelta(days=2),
        decided_on=held_on + timedelta(days=7),
        decision_note="同意",
        applied_at=timezone.now(),
    )
    seats = [("chair", "full_time"), ("vice_chair", "full_time"), ("vice_chair", "part_time")]
    seats += [("executive", "part_time")] * rng.randint(4, 7)
    holders = list(keep)
    positions = []
    for i, (code, employment) in enumerate(seats):
        person = holders[i] if i < len(holders) else _person(rng, unit, today)
        Candidate.objects.create(
            election=election,
            person=person,
            position_type=types[code],
            employment=employment,
            votes=rng.randint(30, 44),
            elected=True,
        )
        positions.append(
            Position(
                org=unit,
                person=person,
                position_type=types[code],
                employment=employment,
                started_on=start,
                ended_on=end_on,
                election=election,
                helps_with=rng.choice(HELPS) if code != "chair" else "妇联全面工作",
                public_contact="妇女之家值班电话" if rng.random() < 0.5 else "",
            )
        )
    loser = _person(rng, unit, today)
    Candidate.objects.create(
        election=election, person=loser, position_type=types["executive"], votes=rng.randint(5, 20)
    )
    _bulk(Position, positions)
    return election, [p.person for p in positions]


def load_cadres(*, stdout=None, seed: int = 2026) -> dict[str, int]:
    counts = dict.fromkeys(("positions", "elections", "points", "pairings", "trainings"), 0)
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None or Position.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None and city is not None:
            stdout.write("示范队伍建设数据已存在，跳过。")
        return counts
    ensure_defaults()
    rng = random.Random(seed)
    today = timezone.localdate()
    types = {t.code: t for t in PositionType.objects.all()}
    units = list(
        OrgUnit.objects.filter(
            path__subtree=city.path, kind__in=(*COMMUNITY_KINDS, UnitKind.TOWNSHIP)
        ).order_by("path")
    )
    new_start = today - timedelta(days=rng.randint(40, 70))
    old_start = new_start.replace(year=new_start.year - 5)
    executives_by_unit = {}
    for unit in units:
        _old, old_people = _term(
            rng,
            unit,
            types,
            today,
            held_on=old_start - timedelta(days=3),
            start=old_start,
            end_on=new_start - timedelta(days=1),
        )
        keep = rng.sample(old_people, k=min(3, len(old_people)))
        _new, people = _term(
            rng,
            unit,
            types,
            today,
            held_on=new_start - timedelta(days=10),
            start=new_start,
            end_on=None,
            keep=keep,
        )
        counts["elections"] += 2
        executives_by_unit[unit.pk] = people
        other = []
        if unit.kind in COMMUNITY_KINDS:
            # About half of a community's executive members also walk a grid.
            for person in people[3:]:
                if rng.random() < 0.6:
                    other.append(("grid_worker", person))
        else:
            other += [("rights_cadre", p) for p in people[1:3]] + [("mediator", people[3])]
        _bulk(
            Position,
            [
                Position(
                    org=unit,
                    person=person,
                    position_type=types[code],
                    started_on=old_start + timedelta(days=rng.randint(0, 900)),
                )
                for code, person in other
            ],
        )
    counts["positions"] = Position.objects.filter(org_path__subtree=city.path).count()

    users = {u.username: u for u in User.objects.filter(username__in=["chair", "grid", "jiedao"])}
    fangcao = OrgUnit.objects.filter(code="990101001001").first()
    if fangcao is not None and "chair" in users:
        Position.objects.filter(
            org=fangcao, position_type=types["chair"], ended_on__isnull=True
        ).update(user=users["chair"])
    if fangcao is not None and "grid" in users:
        grid_position = (
            Position.objects.filter(org=fangcao, position_type=types["executive"], ended_on=None)
            .order_by("id")
            .first()
        )
        if grid_position is not None:
            grid_position.user = users["grid"]
            grid_position.save(update_fields=["user"])

    counts["points"] = _contact_points(rng, units, executives_by_unit, users, today)
    counts["pairings"] = _pairings(rng, units, executives_by_unit, today)
    counts["trainings"] = _trainings(rng, city, today)
    if stdout is not None:
        stdout.write(
            f"队伍建设：任职 {counts['positions']} 条，换届选举 {counts['elections']} 次，"
            f"联系点 {counts['points']} 个，结对 {counts['pairings']} 对，"
            f"培训 {counts['trainings']} 期。"
        )
    return counts


def _contact_points(rng, units, executives_by_unit, users, today) -> int:
    points = []
    by_pk = {u.pk: u for u in units}
    for street in (u for u in units if u.kind == UnitKind.TOWNSHIP):
        cadres = executives_by_unit[street.pk]
        communities = [u for u in units if u.parent_id == street.pk]
        for i, place in enumerate(communities):
            every = rng.choice([14, 30, 30, 60])
            last = today - timedelta(days=rng.randint(3, every + 20))
            points.append(
                ContactPoint(
                    org=street,
                    place=place,
                    cadre_person=cadres[i % len(cadres)],
                    visit_every_days=every,
                    tasks="了解妇女群众诉求，排查婚姻家庭矛盾，宣传妇联工作。",
                    since=today - timedelta(days=300),
                    last_visited_on=last,
                    next_due_on=last + timedelta(days=every),
                )
            )
    jiedao, chair = users.get("jiedao"), users.get("chair")
    fangcao = next((u for u in units if u.code == "990101001001"), None)
    if fangcao is not None and chair is not None:
        # The community chair's own contact point, assigned by her street: a visit overdue.
        points.append(
            ContactPoint(
                org=by_pk.get(fangcao.parent_id, fangcao),
                place=fangcao,
                cadre_user=chair,
                visit_every_days=30,
                tasks="每月走访芳草社区妇女之家，联系困难妇女。",
                since=today - timedelta(days=200),
                last_visited_on=today - timedelta(days=36),
                next_due_on=today - timedelta(days=6),
            )
        )
    if jiedao is not None:
        street = OrgUnit.objects.filter(pk=jiedao.home_unit_id).first()
        for place in [u for u in units if street and u.parent_id == street.pk][:2]:
            points.append(
                ContactPoint(
                    org=street,
                    place=place,
                    cadre_user=jiedao,
                    visit_every_days=30,
                    tasks="街道妇联主席联系点",
                    since=today - timedelta(days=200),
                    last_visited_on=today - timedelta(days=12),
                    next_due_on=today + timedelta(days=18),
                )
            )
    _bulk(ContactPoint, points)
    visits = []
    for point in ContactPoint.objects.filter(pk__in=[p.pk for p in points if p.pk]):
        day = point.last_visited_on
        for _ in range(2):
            visits.append(
                ContactVisit(
                    org=point.org,
                    point=point,
                    visited_on=day,
                    met_whom="社区妇联主席、妇女群众代表",
                    findings=rng.choice(
                        [
                            "走访妇女之家，了解到两名失业妇女希望参加技能培训。",
                            "召开妇女议事会，居民反映小区托育需求。",
                            "入户走访困难家庭，情况稳定。",
                        ]
                    ),
                    follow_up="协调街道就业服务站",
                )
            )
            day -= timedelta(days=point.visit_every_days)
    _bulk(ContactVisit, visits)
    return len(points)


def _pairings(rng, units, executives_by_unit, today) -> int:
    pairings = []
    for unit in units:
        if unit.kind not in COMMUNITY_KINDS:
            continue
        women = list(
            Person.objects.filter(org_path__subtree=unit.path, gender="F")
            .exclude(notes="示范数据：妇联执委")
            .values_list("pk", flat=True)[:20]
        )
        households = list(
            Household.objects.filter(org_path__subtree=unit.path).values_list("pk", flat=True)[:20]
        )
        if not women:
            continue
        # Most executive members are paired; a few are not yet (the list the unit sees).
        for i, cadre in enumerate(executives_by_unit[unit.pk]):
            if rng.random() < 0.25:
                continue
            contacts = rng.randint(0, 6)
            pairings.append(
                Pairing(
                    org=unit,
                    cadre=cadre,
                    woman_id=women[i % len(women)],
                    household_id=households[i % len(households)] if households else None,
                    year=today.year,
                    contacts=contacts,
                    last_contact_on=today - timedelta(days=rng.randint(5, 60))
                    if contacts
                    else None,
                )
            )
    _bulk(Pairing, pairings)
    return len(pairings)


def _trainings(rng, city, today) -> int:
    districts = list(OrgUnit.objects.filter(parent=city).order_by("code"))
    recent = [
        Training.objects.create(
            org=d,
            topic="维权干部能力提升培训（反家庭暴力法与人身安全保护令）",
            kind="rights",
            organiser=d.name,
            starts_on=today - timedelta(days=120),
            ends_on=today - timedelta(days=118),
            hours=16,
            trainer="市法律援助中心律师",
        )
        for d in districts
    ]
    old = Training.objects.create(
        org=city,
        topic="基层妇联维权干部轮训",
        kind="rights",
        organiser=city.name,
        starts_on=today - timedelta(days=1000),
        ends_on=today - timedelta(days=998),
        hours=12,
        trainer="市妇联权益部",
    )
    family = Training.objects.create(
        org=city,
        topic="家庭教育指导师培训",
        kind="family_education",
        organiser=city.name,
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=59),
        hours=8,
    )
    rights_cadres = list(
        Position.objects.filter(
            org_path__subtree=city.path, position_type__code="rights_cadre", ended_on__isnull=True
        ).select_related("org")
    )
    attendances = []
    for i, position in enumerate(rights_cadres):
        attendances.append(Attendance(org=city, training=old, person=position.person))
        # Two in three came to the recent training; the others are due for retraining.
        if i % 3:
            district = next(t for t in recent if position.org.path.startswith(t.org.path))
            attendances.append(
                Attendance(
                    org=district.org,
                    training=district,
                    person=position.person,
                    certificate_no=f"WQ{today.year}{i:04d}",
                )
            )
    for person in Person.objects.filter(notes="示范数据：妇联执委")[:30]:
        attendances.append(Attendance(org=city, training=family, person=person))
    _bulk(Attendance, attendances)
    mediators = Position.objects.filter(
        org_path__subtree=city.path, position_type__code="mediator", ended_on__isnull=True
    )
    _bulk(
        Qualification,
        [
            Qualification(
                org=m.org,
                person_id=m.person_id,
                kind="mediator",
                number=f"TJ{i:05d}",
                issued_on=today - timedelta(days=900),
                expires_on=today + timedelta(days=rng.choice([-20, 60, 400])),
            )
            for i, m in enumerate(mediators.select_related("org"))
        ],
    )
    return len(recent) + 2
