"""The demo's report forms: three months of the monthly rights report in 和平区 — accepted,
one returned with a comment, one awaiting review, one community overdue — and a quarterly
key-focus report, filed through the same services as the pages."""

from django.contrib.auth.hashers import make_password

from jinguo.accounts.models import Role, User
from jinguo.core import audit
from jinguo.orgs.models import OrgUnit
from jinguo.stats.models import Report, ReportForm
from jinguo.stats.periods import add_months
from jinguo.stats.services import reports as services

# The street and district leaders who review (the demo's other accounts fill).
EXTRA_USERS = [
    ("jdzhuxi", "马春兰", "990101001", "leader", "春晖街道妇联主席（审核下级报表）"),
    ("qzhuxi", "郭和平", "990101", "leader", "和平区妇联主席"),
]
CITY = "9901"


def _accounts(password: str) -> tuple[dict, int]:
    created = 0
    admin = User.objects.filter(username="admin").first()
    for username, real_name, unit_code, role_code, title in EXTRA_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create(
            username=username,
            real_name=real_name,
            title=title,
            home_unit=OrgUnit.objects.get(code=unit_code),
            password=make_password(password),
            must_change_password=False,
        )
        user.roles.set([Role.objects.get(code=role_code)])
        audit.record_change(
            admin, user, "create", after={**audit.snapshot(user), "roles": [role_code]}
        )
        created += 1
    names = ["chair", "chair2", "chair3", "jdzhuxi", "qzhuxi"]
    return {u.username: u for u in User.objects.filter(username__in=names)}, created


def _file(user, form, start, events: int, *, submit=True):
    report = services.report_start(user=user, form=form, period_start=start)
    values = {"main.events": str(events), "main.participants": str(events * 35)}
    if submit:
        return services.report_submit(user=user, report=report, values=values)
    return services.report_save(user=user, report=report, values=values)


def load_reports(*, password: str, stdout=None) -> dict[str, int]:
    """Load the report demo once; returns what was created."""
    counts = {"users": 0, "reports": 0}
    city = OrgUnit.objects.filter(code=CITY).first()
    if city is None:
        return counts
    users, counts["users"] = _accounts(password)
    if Report.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None:
            stdout.write("示范报表数据已存在，跳过。")
        return counts
    form = ReportForm.objects.get(code="rights_monthly")
    last = services.last_closed_period(form).start
    m3, m2, m1 = add_months(last, -2), add_months(last, -1), last
    chair, chair3, chair2 = users["chair"], users["chair3"], users["chair2"]
    street, district = users["jdzhuxi"], users["qzhuxi"]
    # Three months ago: every community filed, the street accepted and filed its own, which
    # the district accepted.
    for user, n in ((chair, 2), (chair3, 1)):
        services.report_review(user=street, report=_file(user, form, m3, n), accept=True)
    _file(chair2, form, m3, 1)
    own = services.report_start(user=street, form=form, period_start=m3)
    services.report_submit(user=street, report=own, values={})
    services.report_review(user=district, report=own, accept=True)
    # Two months ago: 芳草 accepted, 杏林 returned with a comment, 桃李 never filed (overdue).
    services.report_review(user=street, report=_file(chair, form, m2, 3), accept=True)
    services.report_review(
        user=street,
        report=_file(chair3, form, m2, 0),
        accept=False,
        comment="普法宣传活动场次为 0，与街道掌握的情况不符，请核实后重新上报。",
    )
    # Last month: 芳草 waits for review, 杏林 is still filling in.
    _file(chair, form, m1, 2)
    _file(chair3, form, m1, 1, submit=False)
    # The quarterly key-focus report of 芳草.
    focus = ReportForm.objects.get(code="focus_people_quarterly")
    quarter = services.last_closed_period(focus).start
    report = services.report_start(user=chair, form=focus, period_start=quarter)
    services.report_submit(
        user=chair,
        report=report,
        values={"left_behind_woman.helped": "6", "dv_victim.helped": "2", "total.helped": "8"},
    )
    counts["reports"] = Report.objects.filter(org_path__subtree=city.path).count()
    if stdout is not None:
        stdout.write(
            "示范报表：{reports} 份（已审核、退回、待审核、逾期未报各有）。".format(**counts)
        )
    return counts


def load(password: str, stdout=None) -> int:
    """The demo command's call: loads the reports, returns the accounts created."""
    return load_reports(password=password, stdout=stdout)["users"]
