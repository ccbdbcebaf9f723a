"""Import jobs whose process died, jobs queued for too long, and upload files left behind.

A worker or web process killed while it imports leaves the database all-or-nothing (the write
is one transaction, and the job is marked done inside it), but the job would stay "running"
for ever. A running job beats (``heartbeat_at``) when it starts and after every batch; one
whose heartbeat is older than JINGUO_IMPORT_STALE_MINUTES is marked failed with a message its
uploader sees. The scheduler runs ``person_imports_housekeeping`` (people/contrib.py); the job
page also checks its own job, so a user never waits for the next tick.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ... import choices
from ...models import PersonImport
from .uploads import stored_uploads, upload_delete

logger = logging.getLogger(__package__)

ACTIVE = (choices.ImportStatus.PENDING, choices.ImportStatus.RUNNING)


def _stale_before(now):
    return now - timedelta(minutes=settings.JINGUO_IMPORT_STALE_MINUTES)


def _retention_before(now):
    return now - timedelta(hours=settings.JINGUO_IMPORT_RETENTION_HOURS)


def _abandoned(now) -> Q:
    """Running without a recent heartbeat (a job of an older version has none: its age then)."""
    stale = _stale_before(now)
    running = Q(status=choices.ImportStatus.RUNNING)
    return running & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )


def _queued_too_long(now) -> Q:
    return Q(status=choices.ImportStatus.PENDING, created_at__lt=_retention_before(now))


def _messages() -> dict[str, str]:
    return {
        choices.ImportStatus.RUNNING: _("导入进程意外中断，未导入任何记录，请重新上传。"),
        choices.ImportStatus.PENDING: _(
            "排队超过 %(h)s 小时仍未开始（后台任务程序没有运行），已取消，未导入任何记录；"
            "上传的文件已删除，请在后台任务程序运行后重新上传。"
        )
        % {"h": settings.JINGUO_IMPORT_RETENTION_HOURS},
    }


def _expire(condition: Q, now) -> tuple[int, int]:
    """Mark the jobs matching ``condition`` as failed, one by one, each only if it still
    matches (a live worker may finish it meanwhile), and delete their uploads.
    Returns (jobs failed, files deleted)."""
    messages = _messages()
    expired = files = 0
    for pk, status in PersonImport.objects.filter(condition).values_list("pk", "status"):
        changed = PersonImport.objects.filter(condition, pk=pk).update(
            status=choices.ImportStatus.ERROR,
            message=messages[status],
            finished_at=now,
        )
        if changed:
            expired += 1
            logger.warning("person import %s: %s, marked failed", pk, status)
            files += _delete_upload(pk)
    return expired, files


def _delete_upload(pk: int) -> bool:
    stored = PersonImport.objects.filter(pk=pk).values_list("stored_path", flat=True).first()
    if not stored:
        return False
    upload_delete(stored)
    PersonImport.objects.filter(pk=pk, stored_path=stored).update(stored_path="")
    return True


def person_import_expire_if_abandoned(job: PersonImport) -> PersonImport:
    """The job page's own check: its job, if abandoned or queued too long, fails now."""
    if job.status in ACTIVE:
        now = timezone.now()
        expired, _files = _expire(Q(pk=job.pk) & (_abandoned(now) | _queued_too_long(now)), now)
        if expired:
            job.refresh_from_db()
    return job


@dataclass
class Housekeeping:
    abandoned: int = 0
    expired: int = 0
    files: int = 0

    def __str__(self) -> str:
        return _("中断的导入 %(a)d 个，排队过久 %(q)d 个，删除上传文件 %(f)d 个") % {
            "a": self.abandoned,
            "q": self.expired,
            "f": self.files,
        }


def person_imports_housekeeping(now=None) -> Housekeeping:
    """Fail abandoned and long-queued jobs, then delete every upload no live job needs: those
    of finished jobs, and files of no job (a crash between storing and recording) older than
    the retention period. Job rows stay, without their file."""
    now = now or timezone.now()
    done = Housekeeping()
    done.abandoned, files = _expire(_abandoned(now), now)
    done.files += files
    done.expired, files = _expire(_queued_too_long(now), now)
    done.files += files
    finished = (
        PersonImport.objects.exclude(status__in=ACTIVE)
        .exclude(stored_path="")
        .values_list("pk", flat=True)
    )
    done.files += sum(_delete_upload(pk) for pk in finished)
    needed = set(
        PersonImport.objects.filter(status__in=ACTIVE)
        .exclude(stored_path="")
        .values_list("stored_path", flat=True)
    )
    keep_for = (now - _retention_before(now)).total_seconds()
    for stored, age in stored_uploads():
        if stored not in needed and age > keep_for:
            upload_delete(stored)
            done.files += 1
    return done
