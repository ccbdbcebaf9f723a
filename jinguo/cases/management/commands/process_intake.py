"""The intake queue's worker: registers appeals stored by ``POST /api/cases/intake/``.

Runs until stopped, taking the queue in batches oldest first and waiting ``--poll`` seconds
when it is empty; ``--once`` empties the queue and exits. Several workers may run at once
(each claims its rows with SKIP LOCKED on PostgreSQL). A failed batch — a lost database
connection, a deadlock — is rolled back whole, logged and tried again.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from jinguo.cases.services.inbox import REGISTER_BATCH, register_pending

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "接入队列：把对接系统提交的诉求逐条登记为个案；--once 处理完当前队列后退出。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完当前队列后退出")
        parser.add_argument(
            "--batch", type=int, default=REGISTER_BATCH, help="每批登记条数（默认 100）"
        )
        parser.add_argument("--poll", type=float, default=1.0, help="队列为空时的等待秒数")

    def handle(self, *args, **options):
        batch, poll = options["batch"], options["poll"]
        if batch < 1 or poll <= 0:
            raise CommandError("--batch 须为正整数，--poll 须为正数。")
        self._stop = False
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._request_stop)
            signal.signal(signal.SIGINT, self._request_stop)
            self.stdout.write("接入队列处理已启动；按 Ctrl+C 退出。")
        registered = rejected = 0
        while not self._stop:
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                outcome = register_pending(limit=batch)
            except DatabaseError:
                logger.exception("intake batch failed; retrying")
                if options["once"]:
                    raise
                time.sleep(poll)
                continue
            registered += outcome.registered
            rejected += outcome.rejected
            if outcome.total:
                logger.info("intake: %d registered, %d rejected", *vars(outcome).values())
                continue
            if options["once"]:
                break
            time.sleep(poll)
        self.stdout.write(f"接入队列：登记 {registered} 条，未通过 {rejected} 条。")

    def _request_stop(self, signum, frame):
        self._stop = True
