"""The intake queue's worker: registers appeals stored by ``POST /api/cases/intake/``.

Runs until stopped, taking the queue in batches oldest first and waiting ``--poll`` seconds
when it is empty; ``--once`` empties the queue and exits. While a burst is arriving
(``--burst-rate`` appeals a second or more) it waits, so that the API answers the platforms
with the CPU registering would take — but never longer than ``--max-delay`` seconds for the
oldest appeal. Several workers may run at once
(each claims its rows with SKIP LOCKED on PostgreSQL). A failed batch — a lost database
connection, a deadlock — is rolled back whole, logged and tried again.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection

from jinguo.cases.services.inbox import REGISTER_BATCH, queue_pressure, register_pending

logger = logging.getLogger(__name__)

BURST_RATE = 20  # appeals a second: far above a hotline's normal flow
MAX_DELAY = 60  # seconds the oldest appeal may wait while a burst is answered first
BURST_PAUSE = 0.5


class Command(BaseCommand):
    help = "接入队列：把对接系统提交的诉求逐条登记为个案；--once 处理完当前队列后退出。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完当前队列后退出")
        parser.add_argument(
            "--batch", type=int, default=REGISTER_BATCH, help="每批登记条数（默认 25）"
        )
        parser.add_argument("--poll", type=float, default=1.0, help="队列为空时的等待秒数")
        parser.add_argument(
            "--burst-rate",
            type=float,
            default=BURST_RATE,
            help="每秒到达的诉求达到此数时暂缓登记、先让接口应答（默认 20；0 表示从不暂缓）",
        )
        parser.add_argument(
            "--max-delay",
            type=float,
            default=MAX_DELAY,
            help="暂缓登记的最长秒数：最早的一条等待超过此时长就开始登记（默认 60）",
        )

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
            # Registering competes with the API for the same cores: while a burst is
            # arriving, let the platforms be answered first (within max_delay).
            if self._yield_to_burst(options):
                time.sleep(BURST_PAUSE)
                continue
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

    @staticmethod
    def _yield_to_burst(options) -> bool:
        rate = options["burst_rate"]
        if rate <= 0 or options["once"]:
            return False
        return queue_pressure().burst(rate, options["max_delay"])

    def _request_stop(self, signum, frame):
        self._stop = True
