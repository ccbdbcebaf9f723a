"""Working days: the holiday calendar, deadlines over it, and the administrators' pages."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jinguo.core import workdays
from jinguo.core.models import AuditEvent, CalendarDay, CalendarDayKind, CalendarDaySource
from jinguo.core.workdays import add_days, is_workday, years_without_data
from jinguo.testing.factories import grant

pytestmark = pytest.mark.django_db
D = datetime.date
LIST = reverse("core:calendar_list")
CREATE = reverse("core:calendar_create")


@pytest.fixture
def seeded_2026():
    workdays.seed_from_chinese_calendar([2026])


def test_seed_loads_spring_festival_2026_from_chinese_calendar(seeded_2026):
    # State Council schedule: 15–23 February off, Saturdays 14 and 28 February worked.
    feb = {d.date: d for d in CalendarDay.objects.filter(date__year=2026, date__month=2)}
    holidays = sorted(d for d, row in feb.items() if row.kind == CalendarDayKind.HOLIDAY)
    assert holidays == [D(2026, 2, day) for day in range(15, 24)]
    assert {d for d, row in feb.items() if row.kind == CalendarDayKind.WORKDAY} == {
        D(2026, 2, 14),
        D(2026, 2, 28),
    }
    assert feb[D(2026, 2, 17)].name == "春节"
    assert feb[D(2026, 2, 17)].source == CalendarDaySource.SEED
    assert not is_workday(D(2026, 2, 18))  # a Wednesday of the holiday
    assert is_workday(D(2026, 2, 14))  # a make-up Saturday
    assert not is_workday(D(2026, 3, 7))  # an ordinary Saturday
    assert is_workday(datetime.datetime(2026, 2, 24, 9, tzinfo=datetime.UTC))


def test_fifteen_working_days_over_the_spring_festival(seeded_2026):
    # Friday 13 Feb: the 14th (Saturday) works, 15–23 rest, the 28th (Saturday) works.
    assert add_days(D(2026, 2, 13), 15, working=True) == D(2026, 3, 12)
    assert add_days(D(2026, 2, 12), 15, working=True) == D(2026, 3, 11)
    # Counting starts the day after: one working day after Friday 13th is Saturday 14th.
    assert add_days(D(2026, 2, 13), 1, working=True) == D(2026, 2, 14)
    assert add_days(D(2026, 2, 14), 1, working=True) == D(2026, 2, 24)
    assert add_days(D(2026, 2, 13), 0, working=True) == D(2026, 2, 13)
    assert add_days(D(2026, 2, 24), -1, working=True) == D(2026, 2, 14)


def test_without_data_the_same_count_uses_weekends_only():
    assert add_days(D(2026, 2, 13), 15, working=True) == D(2026, 3, 6)


def test_2027_falls_back_to_weekends_without_raising(seeded_2026):
    result = workdays.seed_from_chinese_calendar([2027])  # chinese_calendar raises for 2027
    assert result["unavailable"] == [2027] and result["created"] == 0
    assert is_workday(D(2027, 1, 1))  # New Year's Day, unknown yet: a Friday works
    assert not is_workday(D(2027, 1, 2))
    assert add_days(D(2026, 12, 31), 5, working=True) == D(2027, 1, 7)
    assert add_days(D(2026, 12, 31), 400, working=True) > D(2028, 1, 1)
    assert add_days(D(2030, 6, 1), 10, working=False) == D(2030, 6, 11)


def test_calendar_days_ignore_holidays(seeded_2026):
    assert add_days(D(2026, 2, 13), 15, working=False) == D(2026, 2, 28)
    assert add_days(D(2026, 1, 31), 60, working=False) == D(2026, 4, 1)
    start = timezone.make_aware(datetime.datetime(2026, 2, 13, 23, 30))
    assert add_days(start, 1, working=False) == D(2026, 2, 14)


def test_a_manual_day_overrides_the_weekday_rule(seeded_2026, sysadmin):
    assert is_workday(D(2026, 3, 4))
    workdays.create_calendar_day(sysadmin, date=D(2026, 3, 4), kind="holiday", name="地方假日")
    assert not is_workday(D(2026, 3, 4))
    workdays.create_calendar_day(sysadmin, date=D(2026, 3, 8), kind="workday", name="")
    assert is_workday(D(2026, 3, 8))
    # 3 March (Tue) + 3 working days: the 4th rests, the 5th, 6th and the Sunday 8th work.
    assert add_days(D(2026, 3, 3), 3, working=True) == D(2026, 3, 8)


def test_a_year_entered_by_hand_is_used(sysadmin):
    workdays.create_calendar_day(sysadmin, date=D(2027, 2, 8), kind="holiday", name="春节")
    assert not is_workday(D(2027, 2, 8))
    assert years_without_data([2026, 2027, 2028]) == [2026, 2028]


def test_seed_is_idempotent_and_keeps_manual_rows(seeded_2026, sysadmin):
    total = CalendarDay.objects.count()
    spring = CalendarDay.objects.get(date=D(2026, 2, 16))
    workdays.update_calendar_day(sysadmin, spring, date=spring.date, kind="holiday", name="春节假")
    extra = workdays.create_calendar_day(sysadmin, date=D(2026, 7, 1), kind="holiday", name="x")
    again = workdays.seed_from_chinese_calendar([2026])
    assert again["created"] == again["updated"] == again["removed"] == 0
    assert again["kept_manual"] == 1
    assert CalendarDay.objects.count() == total + 1
    spring.refresh_from_db()
    assert (spring.name, spring.source) == ("春节假", CalendarDaySource.MANUAL)
    assert CalendarDay.objects.filter(pk=extra.pk).exists()
    # A seed row changed behind its back is put right; a deleted one comes back.
    CalendarDay.objects.filter(date=D(2026, 10, 1)).update(name="错")
    CalendarDay.objects.filter(date=D(2026, 10, 2)).delete()
    fixed = workdays.seed_from_chinese_calendar([2026])
    assert (fixed["created"], fixed["updated"]) == (1, 1)
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"


def test_years_without_data(seeded_2026):
    assert years_without_data([2025, 2026, 2027]) == [2025, 2027]
    assert years_without_data([]) == []


def test_add_days_over_sixty_working_days_runs_few_queries(seeded_2026):
    workdays.invalidate_cache()
    with CaptureQueriesContext(connection) as cold:
        end = add_days(D(2026, 11, 20), 60, working=True)
    assert len(cold.captured_queries) <= 3
    assert end.year == 2027
    with CaptureQueriesContext(connection) as warm:
        add_days(D(2026, 1, 5), 60, working=True)
    assert len(warm.captured_queries) <= 1


def test_a_change_is_seen_by_the_next_computation(seeded_2026):
    assert add_days(D(2026, 3, 3), 1, working=True) == D(2026, 3, 4)
    # A write that sends no signal, as another process would make.
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2026, 3, 4), kind="holiday")])
    assert add_days(D(2026, 3, 3), 1, working=True) == D(2026, 3, 5)


def test_validation_messages_are_chinese(sysadmin):
    workdays.create_calendar_day(sysadmin, date=D(2027, 2, 8), kind="holiday")
    with pytest.raises(ValidationError) as dup:
        workdays.create_calendar_day(sysadmin, date=D(2027, 2, 8), kind="holiday")
    assert "只能录入一次" in str(dup.value)
    with pytest.raises(ValidationError) as weekday:
        workdays.create_calendar_day(sysadmin, date=D(2027, 2, 9), kind="workday")
    assert "星期六或星期日" in str(weekday.value)
    # A holiday may fall on any day, a weekend included.
    workdays.create_calendar_day(sysadmin, date=D(2027, 2, 6), kind="holiday")


def test_seed_holidays_command_reports_in_chinese():
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_holidays", "--years", "2026", "2027", stdout=out, stderr=err)
    assert "已导入 2026 年" in out.getvalue() and "新增" in out.getvalue()
    assert "没有 2027 年的节假日安排" in err.getvalue()
    next_year = timezone.localdate().year + 1
    if next_year not in (2026, 2027):
        assert f"{next_year} 年尚无国务院节假日安排" in err.getvalue()


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def calendar_admin(nobody):
    grant(
        nobody,
        "core.view_calendarday",
        "core.add_calendarday",
        "core.change_calendarday",
        "core.delete_calendarday",
    )
    return nobody


def test_without_permission_the_pages_are_closed(client, nobody, seeded_2026):
    day = CalendarDay.objects.first()
    client.force_login(nobody)
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, {"date": "2027-02-08", "kind": "holiday"}).status_code == 404
    assert client.get(reverse("core:calendar_update", args=[day.pk])).status_code == 404
    assert client.post(reverse("core:calendar_delete", args=[day.pk])).status_code == 404
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    assert not CalendarDay.objects.filter(date=D(2027, 2, 8)).exists()


def test_view_only_sees_the_list_without_edit_links(client, nobody, seeded_2026):
    grant(nobody, "core.view_calendarday")
    client.force_login(nobody)
    r = client.get(LIST + "?year=2026")
    assert r.status_code == 200
    html = r.content.decode()
    assert "2026-02-17" in html and "春节" in html
    assert CREATE not in html and "/edit/" not in html
    assert "节假日安排" in html  # the menu entry


def test_anonymous_users_are_sent_to_login(client):
    r = client.get(LIST)
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))


def test_the_list_warns_about_years_without_data(client, calendar_admin, seeded_2026):
    client.force_login(calendar_admin)
    next_year = timezone.localdate().year + 1
    banner = f"{next_year} 年尚无国务院节假日安排，期限按周末计算，请尽快录入"
    assert banner in client.get(LIST).content.decode()
    workdays.create_calendar_day(calendar_admin, date=D(next_year, 1, 1), kind="holiday")
    assert banner not in client.get(LIST).content.decode()
    r = client.get(LIST + "?year=2031")
    assert r.status_code == 200 and "2031 年没有节假日数据" in r.content.decode()
    assert client.get(LIST + "?year=abc").status_code == 200


def test_create_update_delete_with_permission(client, calendar_admin):
    client.force_login(calendar_admin)
    assert client.get(CREATE).status_code == 200
    r = client.post(CREATE, {"date": "2027-02-06", "kind": "workday", "name": "春节"})
    assert r.status_code == 302 and r["Location"] == LIST + "?year=2027"
    day = CalendarDay.objects.get(date=D(2027, 2, 6))
    assert (day.kind, day.source, day.updated_by) == ("workday", "manual", calendar_admin)
    assert AuditEvent.objects.filter(action="create", object_type="core.calendarday").exists()

    dup = client.post(CREATE, {"date": "2027-02-06", "kind": "holiday", "name": ""})
    assert dup.status_code == 200 and "只能录入一次" in dup.content.decode()
    weekday = client.post(CREATE, {"date": "2027-02-09", "kind": "workday", "name": ""})
    assert weekday.status_code == 200 and "星期六或星期日" in weekday.content.decode()

    edit = reverse("core:calendar_update", args=[day.pk])
    page = client.get(edit)
    assert page.status_code == 200 and 'value="2027-02-06"' in page.content.decode()
    r = client.post(edit, {"date": "2027-02-06", "kind": "holiday", "name": "春节"})
    assert r.status_code == 302
    day.refresh_from_db()
    assert day.kind == "holiday"
    assert AuditEvent.objects.filter(action="update", object_id=str(day.pk)).exists()

    delete = reverse("core:calendar_delete", args=[day.pk])
    assert client.get(delete).status_code == 200
    r = client.post(delete)
    assert r.status_code == 302 and r["Location"] == LIST + "?year=2027"
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(day.pk)).exists()
    assert client.get(delete).status_code == 404


def test_seed_without_years_loads_every_year_the_package_knows():
    result = workdays.seed_from_chinese_calendar()
    assert result["years"][0] == 2004 and result["years"][-1] == 2026
    assert result["unavailable"] == []
    assert years_without_data(range(2004, 2028)) == [2027]
    assert AuditEvent.objects.filter(action="import", object_type="core.calendarday").count() == 1
