"""The platform's one scheduler command: runs the registered periodic jobs.

Every app registers its jobs in its contrib.py; this command knows none of them by name.
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jinguo.core import scheduler
from jinguo.core.registry import jobs


class Command(BaseCommand):
    help = "定时任务：每隔若干分钟执行到期的周期任务（期限检查、队列积压提醒等）；--once 全部执行一次。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=10, help="两次检查之间的分钟数（默认 10）"
        )
        parser.add_argument("--once", action="store_true", help="每项任务执行一次后退出")
        parser.add_argument("--list", action="store_true", help="列出已登记的任务及上次执行情况")

    def handle(self, *args, **options):
        if options["list"]:
            return self.list_jobs()
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval 须为正数（分钟）。")
        self._stop = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
            self.stdout.write(f"定时任务已启动，每 {interval:g} 分钟检查一次；按 Ctrl+C 退出。")
        while True:
            failed = self.run(force=options["once"])
            if options["once"]:
                if failed:
                    raise CommandError(f"{failed} 项定时任务执行失败，详见日志。")
                return
            deadline = time.monotonic() + interval * 60
            while not self._stop and time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            if self._stop:
                self.stdout.write("定时任务已停止。")
                return

    def _request_stop(self, signum, frame):
        self._stop = True

    def run(self, *, force: bool) -> int:
        failed = 0
        for job, ok, summary in scheduler.run_due(force=force):
            stamp = f"{timezone.localtime():%Y-%m-%d %H:%M}"
            if ok:
                self.stdout.write(f"{stamp} {job.label}：{summary}")
            else:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{stamp} {job.label}：{summary}"))
        return failed

    def list_jobs(self):
        from jinguo.core.models import JobRun

        last = {run.key: run for run in JobRun.objects.all()}
        for job in jobs():
            run = last.get(job.key)
            when = (
                f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"
                if run and run.started_at
                else "从未执行"
            )
            outcome = run.get_outcome_display() if run and run.outcome else ""
            self.stdout.write(
                f"{job.key}\t{job.label}\t每 {job.every_minutes} 分钟\t{when}\t{outcome}"
            )
