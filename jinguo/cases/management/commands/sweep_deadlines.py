"""One run of the deadline sweep: soon-due and overdue cases, overdue referrals."""

from django.core.management.base import BaseCommand

from jinguo.cases.deadlines import describe_sweep, sweep


class Command(BaseCommand):
    help = "检查个案和转介的办理期限：标记即将到期和已超期的个案并提醒承办人和单位领导（可重复运行，不重复提醒）。"

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write(self.style.SUCCESS("期限检查完成：" + describe_sweep(counts)))
