"""Demo data of 志愿服务 and 妇女议事会 in 芳草社区 and 春晖街道: two teams with confirmed
hours (one activity's hours still waiting for the leader), a pending registration, an 爱心妈妈
pairing, and 芳草社区's women's council with done, open and overdue resolutions."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.people.services.derived import person_fill_derived, person_refresh_sensitivity
from jinguo.volunteers.models import (
    Activity,
    CarePairing,
    Council,
    CouncilMember,
    FollowUp,
    Meeting,
    Participation,
    Resolution,
    Team,
    Volunteer,
)
from jinguo.volunteers.services.teams import service_years_rebuild

FANGCAO, CHUNHUI = "990101001001", "990101001"
NAMES = ["赵秀梅", "钱玉兰", "孙丽华", "周春燕", "吴海燕", "郑红梅", "冯雪梅"]


def _person(unit, name, birth_date, note):
    person = Person(org=unit, name=name, gender="F", birth_date=birth_date, notes=note)
    person_fill_derived(person)
    person.save()
    return person


def load_volunteers(*, stdout=None) -> dict[str, int]:
    counts = dict.fromkeys(("teams", "volunteers", "activities", "resolutions"), 0)
    fangcao = OrgUnit.objects.filter(code=FANGCAO).first()
    street = OrgUnit.objects.filter(code=CHUNHUI).first()
    if fangcao is None or street is None or Team.objects.filter(org=fangcao).exists():
        if stdout is not None and fangcao is not None:
            stdout.write("示范志愿服务数据已存在，跳过。")
        return counts
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["chair", "jiedao"])}
    chair = users.get("chair")
    now = timezone.now()

    team = Team.objects.create(
        org=fangcao, name="芳草社区巾帼志愿服务队", leader=chair, purpose="助老、助残、关爱儿童"
    )
    street_team = Team.objects.create(
        org=street, name="春晖街道巾帼普法志愿队", leader=users.get("jiedao"), purpose="普法宣传"
    )
    people = [
        _person(fangcao, name, date(today.year - 35 - i * 3, 3 + i, 10), "示范数据：志愿者")
        for i, name in enumerate(NAMES)
    ]
    members = [
        Volunteer.objects.create(
            org=fangcao,
            team=team,
            person=p,
            consent=True,
            status="approved",
            skills=skill,
            availability="周末",
            areas="助老",
            registered_on=today - timedelta(days=200),
            decided_by=chair,
            decided_at=now,
        )
        for p, skill in zip(people[:5], ["缝纫", "心理疏导", "理发", "厨艺", "护理"], strict=True)
    ]
    Volunteer.objects.create(
        org=fangcao,
        team=team,
        person=people[5],
        consent=True,
        skills="法律咨询",
        availability="工作日晚上",
        areas="普法",
    )  # the pending registration
    Volunteer.objects.create(
        org=street,
        team=street_team,
        person=people[6],
        consent=True,
        status="approved",
        skills="法律咨询",
        registered_on=today - timedelta(days=100),
    )
    counts["teams"], counts["volunteers"] = 2, 7

    for weeks, title, place, confirmed in [
        (10, "重阳节敬老院探访", "芳草社区养老服务站", True),
        (6, "为独居老人理发", "芳草社区党群服务中心", True),
        (2, "反家暴宣传进小区", "芳草社区广场", False),
    ]:
        held_on = today - timedelta(weeks=weeks)
        activity = Activity.objects.create(
            org=fangcao, team=team, held_on=held_on, title=title, place=place, capacity=10
        )
        counts["activities"] += 1
        for i, volunteer in enumerate(members[:4]):
            Participation.objects.create(
                org=fangcao,
                activity=activity,
                volunteer=volunteer,
                held_on=held_on,
                attended=True,
                hours=Decimal("2.5") + i,
                confirmed_by=chair if confirmed else None,
                confirmed_at=now if confirmed else None,
            )
    Activity.objects.create(
        org=fangcao,
        team=team,
        held_on=today + timedelta(days=7),
        title="六一儿童节游园会",
        place="芳草社区广场",
        capacity=12,
    )
    counts["activities"] += 1

    child = _person(fangcao, "小雨", date(today.year - 9, 6, 1), "示范数据：留守儿童")
    person_refresh_sensitivity(child)
    CarePairing.objects.create(
        org=fangcao,
        volunteer=members[1],
        child=child,
        since=today - timedelta(days=120),
        note="每周陪伴学习一次",
    )

    council = Council.objects.create(
        org=fangcao, name="芳草社区妇女议事会", founded_on=today - timedelta(days=400)
    )
    for person, role in zip(people[:4], ["召集人", "议事员", "议事员", "记录员"], strict=True):
        CouncilMember.objects.create(council=council, person=person, role=role)
    first = Meeting.objects.create(
        org=fangcao,
        council=council,
        held_on=today - timedelta(days=60),
        topics="居民反映小区夜间照明不足；儿童放学后无人看护。",
        discussion="议事员走访了三栋楼，与物业、学校沟通。",
    )
    second = Meeting.objects.create(
        org=fangcao,
        council=council,
        held_on=today - timedelta(days=14),
        topics="老年人反映菜市场搬迁后买菜不便。",
        discussion="建议协调流动售菜车进小区。",
    )
    done = Resolution.objects.create(
        org=fangcao,
        meeting=first,
        text="协调物业加装路灯",
        responsible="社区居委会",
        due_on=today - timedelta(days=20),
        status="done",
        done_on=today - timedelta(days=25),
    )
    FollowUp.objects.create(
        resolution=done, noted_on=today - timedelta(days=40), note="物业已报价", recorded_by=chair
    )
    FollowUp.objects.create(
        resolution=done, noted_on=today - timedelta(days=25), note="路灯已安装", recorded_by=chair
    )
    Resolution.objects.create(
        org=fangcao,
        meeting=first,
        text="开设“四点半课堂”",
        responsible="社区妇联",
        due_on=today - timedelta(days=5),
    )  # overdue
    Resolution.objects.create(
        org=fangcao,
        meeting=second,
        text="联系流动售菜车每周两次进小区",
        responsible="网格员",
        due_on=today + timedelta(days=30),
    )
    counts["resolutions"] = 3
    # The sign-ups above were written directly: count their confirmed hours per year.
    service_years_rebuild()
    if stdout is not None:
        stdout.write(
            f"志愿服务：服务队 {counts['teams']} 支，志愿者 {counts['volunteers']} 人，"
            f"活动 {counts['activities']} 次；妇女议事会议定事项 {counts['resolutions']} 项。"
        )
    return counts
