"""The platform's one scheduler: runs the jobs the apps register (core/registry.job).

Each job runs when its period has passed since it last started (or always, when forced); its
start, end, outcome and one-line summary are kept in JobRun. A failing job is recorded and
logged by the kind of error only (a message may quote personal data) and never stops the
other jobs.
"""

import logging
import traceback
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import JobRun
from .registry import Job, jobs

logger = logging.getLogger(__name__)

# A loop that ticks every 10 minutes must find a 10-minute job due on each tick.
SLACK = timedelta(seconds=30)


def _fresh_connection() -> None:
    # A long-running loop must not keep a broken or stale connection; inside a transaction
    # (tests, a caller's atomic block) the connection is left alone.
    if not connection.in_atomic_block:
        close_old_connections()


def is_due(job: Job, last: JobRun | None, now) -> bool:
    if last is None or last.started_at is None:
        return True
    return now - last.started_at >= timedelta(minutes=job.every_minutes) - SLACK


def _record(key: str, **fields) -> None:
    try:
        JobRun.objects.update_or_create(key=key, defaults=fields)
    except Exception:
        logger.exception("could not record the run of scheduled job %s", key)


def run_job(job: Job) -> tuple[bool, str]:
    """Run one job now; returns (succeeded, summary)."""
    _fresh_connection()
    started = timezone.now()
    previous = JobRun.objects.filter(key=job.key).first()
    failures = previous.failures if previous else 0
    _record(job.key, started_at=started, finished_at=None, outcome=JobRun.Outcome.RUNNING)
    try:
        result = job.function()
    except Exception as exc:
        _fresh_connection()
        logger.error(
            "scheduled job %s failed with %s\n%s",
            job.key,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        summary = f"执行失败（{type(exc).__name__}），详见日志。"
        _record(
            job.key,
            finished_at=timezone.now(),
            outcome=JobRun.Outcome.FAILED,
            summary=summary,
            failures=failures + 1,
        )
        return False, summary
    if job.describe is not None:
        summary = job.describe(result)
    else:
        summary = "完成" if result is None else str(result)
    now = timezone.now()
    _record(
        job.key,
        finished_at=now,
        outcome=JobRun.Outcome.OK,
        summary=summary[:500],
        last_success_at=now,
        failures=0,
    )
    return True, summary


def run_due(*, force: bool = False, now=None) -> list[tuple[Job, bool, str]]:
    """Run every registered job that is due (every job when ``force``), in key order."""
    now = now or timezone.now()
    last = {run.key: run for run in JobRun.objects.all()}
    ran = []
    for job in jobs():
        if force or is_due(job, last.get(job.key), now):
            ok, summary = run_job(job)
            ran.append((job, ok, summary))
    _fresh_connection()
    return ran
