"""Walk the audit chain and say whether it is intact; exit 1 at the first broken row."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from jinguo.core.audit import action_label, verify_chain
from jinguo.core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计日志的哈希链：完整时退出码为 0，发现篡改时报告第一条异常记录并以 1 退出。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="每批读取的记录数")

    def handle(self, *args, **options):
        result = verify_chain(batch_size=options["batch_size"])
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"审计链完整，共校验 {result.checked} 条"))
            return
        event = AuditEvent.objects.filter(pk=result.broken_at).first()
        if event is not None:
            when = timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S")
            where = f"#{event.pk}（{when}，{action_label(event.action)}，{event.username or '—'}）"
        else:
            where = f"#{result.broken_at}（该记录已不存在）"
        self.stderr.write(
            self.style.ERROR(
                f"审计链被破坏：第一条异常记录 {where}；原因：{result.reason_text}。"
                f"此前 {result.checked} 条记录完好。"
            )
        )
        sys.exit(1)
