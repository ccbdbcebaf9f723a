"""Demo notices and tasks for 示范市: a notice every receiving community has signed, a task
half completed (one community reported with figures, one only signed), a task already overdue,
and a district task the street has signed. Everything goes through the notices services acting
as the demo accounts; issue dates (and the overdue task's due date) are moved back afterwards.
Skipped when the demo city already has notices."""

from datetime import timedelta

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.notices import services
from jinguo.notices.models import Notice, Receipt
from jinguo.notices.services import assessment
from jinguo.orgs.models import OrgUnit

from . import tree

FANGCAO, XINGLIN = "990101001001", "990101001002"


def _back(notice, days: int, *, due_in: int | None = None) -> None:
    when = timezone.now() - timedelta(days=days)
    Notice.objects.filter(pk=notice.pk).update(issued_at=when)
    Receipt.objects.filter(notice=notice).update(created_at=when)
    if due_in is not None:
        due = timezone.localdate() + timedelta(days=due_in)
        Notice.objects.filter(pk=notice.pk).update(due_on=due)
        Receipt.objects.filter(notice=notice).update(due_on=due)


def load_notices(*, stdout=None) -> dict[str, int]:
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None:
        raise RuntimeError("the demo units are missing: run `manage.py demo` first")
    if Notice.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None:
            stdout.write("示范通知任务已存在，跳过。")
        return {"notices": 0}
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["weiquan", "jiedao", "chair", "chair3"])
    }
    if len(users) < 4:
        return {"notices": 0}
    street, chair, chair3 = users["jiedao"], users["chair"], users["chair3"]
    picked = list(OrgUnit.objects.filter(code__in=[FANGCAO, XINGLIN]))
    today = timezone.localdate()

    week = services.notice_issue(
        user=street,
        kind="notice",
        title="关于做好“三八”维权周宣传工作的通知",
        body=(
            "各社区妇联：\n维权周期间请在妇女之家张贴 12338 热线海报，"
            "安排执委轮流值守，接待来访群众时做好登记。"
        ),
        targets="picked",
        units=picked,
    )
    for user in (chair, chair3):
        services.receipt_acknowledge(user=user, receipt=week.receipts.get(org=user.home_unit))
    _back(week, 12)

    event = services.notice_issue(
        user=street,
        kind="task",
        title="开展《反家庭暴力法》宣传进社区活动",
        body="请各社区在本月内至少组织一场宣传活动，报告活动场次、参加人数并附签到表或照片。",
        targets="picked",
        units=picked,
        due_on=today + timedelta(days=10),
    )
    services.receipt_complete(
        user=chair,
        receipt=event.receipts.get(org=chair.home_unit),
        note="在社区文化广场开展宣传，设咨询台一处，发放宣传册。",
        figures=[("开展活动场次", "1"), ("参加人数", "86"), ("发放资料份数", "200")],
    )
    services.receipt_acknowledge(user=chair3, receipt=event.receipts.get(org=chair3.home_unit))
    _back(event, 6)

    screening = services.notice_issue(
        user=street,
        kind="task",
        title="报送本季度家庭矛盾纠纷排查结果",
        body="请各社区汇总网格排查情况，报送发现的家庭矛盾纠纷件数和已化解件数。",
        targets="children",
        due_on=today + timedelta(days=1),
    )
    services.receipt_acknowledge(user=chair, receipt=screening.receipts.get(org=chair.home_unit))
    _back(screening, 20, due_in=-3)

    district = services.notice_issue(
        user=users["weiquan"],
        kind="task",
        title="报送妇女之家阵地建设情况",
        body="请各街道（镇）妇联核实辖区妇女之家挂牌、活动场所和值守人员情况并报送。",
        targets="children",
        due_on=today + timedelta(days=14),
    )
    services.receipt_acknowledge(user=street, receipt=district.receipts.get(org=street.home_unit))
    _back(district, 3)

    _assessment(users["weiquan"], street)
    if stdout is not None:
        stdout.write(
            "示范通知任务：通知 1 份（已全部签收），任务 3 项（一项完成一半，一项已逾期）；"
            "和平区本年度目标考核 2 项指标已计算得分。"
        )
    return {"notices": 4}


def _assessment(district, street) -> None:
    """和平区 scores its streets this year: a share read from the statistics (tasks signed)
    and a figure each street enters with evidence; 春晖街道 has entered its own."""
    year = timezone.localdate().year
    signed = assessment.indicator_create(
        user=district,
        year=year,
        name="上级任务签收率",
        weight="40",
        target="100",
        method="share",
        source="notices.receipts",
        dimension="state",
        values=["acknowledged", "completed"],
        description="本年度收到的通知任务中已签收（含已完成）的比例。",
    )
    events = assessment.indicator_create(
        user=district,
        year=year,
        name="普法宣传活动场次",
        weight="60",
        target="6",
        method="entered",
        description="全年在辖区组织的普法宣传活动场次，附活动记录。",
    )
    for indicator in (signed, events):
        assessment.assessment_compute(user=district, indicator=indicator)
    assessment.assessment_enter(
        user=street,
        assessment=events.assessments.get(org=street.home_unit),
        actual="5",
        evidence="三八维权周、反家暴宣传周等 5 场活动，签到表和照片存街道妇联台账。",
    )
