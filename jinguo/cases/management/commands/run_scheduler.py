"""The platform's one scheduler: runs the periodic sweeps every few minutes.

The jobs are dotted paths to functions taking no argument (or ``now=None``), listed in the
``JINGUO_SCHEDULED_JOBS`` setting; by default the deadline sweep and the intake queue's
backlog check. One failing job is logged
and does not stop the others or the loop.
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_JOBS = ["jinguo.cases.deadlines.sweep", "jinguo.cases.services.inbox.check_backlog"]


class Command(BaseCommand):
    help = "定时任务：每隔若干分钟执行一次期限检查等周期任务；--once 只执行一次。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=10, help="两次执行之间的分钟数（默认 10）"
        )
        parser.add_argument("--once", action="store_true", help="只执行一次后退出")

    def handle(self, *args, **options):
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval 须为正数（分钟）。")
        jobs = getattr(settings, "JINGUO_SCHEDULED_JOBS", DEFAULT_JOBS)
        try:
            functions = [(path, import_string(path)) for path in jobs]
        except ImportError as exc:
            raise CommandError(f"找不到定时任务：{exc}") from exc
        self._stop = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
            self.stdout.write(f"定时任务已启动，每 {interval:g} 分钟执行一次；按 Ctrl+C 退出。")
        while True:
            failed = self.run_jobs(functions)
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

    @staticmethod
    def _fresh_connection() -> None:
        # A long-running loop must not keep a broken or stale connection; inside a
        # transaction (tests, a caller's atomic block) the connection is left alone.
        if not connection.in_atomic_block:
            close_old_connections()

    def run_jobs(self, functions) -> int:
        failed = 0
        for path, function in functions:
            self._fresh_connection()
            started = timezone.now()
            try:
                result = function()
            except Exception:
                failed += 1
                logger.exception("scheduled job %s failed", path)
                self.stderr.write(self.style.ERROR(f"{started:%Y-%m-%d %H:%M} {path} 执行失败。"))
                continue
            self.stdout.write(
                f"{timezone.localtime(started):%Y-%m-%d %H:%M} {path}：{self.summary(path, result)}"
            )
        self._fresh_connection()
        return failed

    @staticmethod
    def summary(path: str, result) -> str:
        if path == "jinguo.cases.deadlines.sweep" and isinstance(result, dict):
            from .sweep_deadlines import describe

            return describe(result)
        return "完成" if result is None else str(result)
