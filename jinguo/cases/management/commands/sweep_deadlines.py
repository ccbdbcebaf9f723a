"""One run of the deadline sweep: soon-due and overdue cases, overdue referrals."""

from django.core.management.base import BaseCommand

from jinguo.cases.deadlines import sweep


def describe(counts: dict) -> str:
    return (
        f"新进入“即将到期” {counts['soon']} 件，新超期 {counts['overdue']} 件，"
        f"恢复正常 {counts['ok']} 件，清除期限状态 {counts['cleared']} 件，"
        f"新逾期未答复的转介 {counts['referrals']} 件。"
    )


class Command(BaseCommand):
    help = "检查个案和转介的办理期限：标记即将到期和已超期的个案并提醒承办人和单位领导（可重复运行，不重复提醒）。"

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(self.style.SUCCESS("期限检查完成：" + describe(counts)))
