"""Running an import job: claim it, check the whole file batch by batch with progress (and a
heartbeat) on the job, then write everything in one transaction with one audit event, or
nothing. The upload is read into memory and deleted when the run starts."""

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit, crypto
from jinguo.core.models import AuditKind
from jinguo.orgs.importing import ImportFileError

from ... import choices
from ...models import Person, PersonImport, PersonTag
from ..bulk_insert import insert_rows
from .checks import Issue, RowChecker
from .columns import FILE_COLUMN
from .reader import Source, iter_rows
from .uploads import upload_delete, upload_read, upload_save

logger = logging.getLogger(__package__)  # the importer's one logger, as before the split

BATCH_SIZE = 1000


@dataclass
class Outcome:
    total: int = 0
    created: int = 0
    tags: int = 0
    errors: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.errors == 0 and not self.message


def _progress(job: PersonImport, processed: int, total: int) -> None:
    PersonImport.objects.filter(pk=job.pk).update(
        processed_rows=processed, total_rows=max(total, processed), heartbeat_at=timezone.now()
    )


def _beat(job: PersonImport) -> None:
    PersonImport.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def validate_file(
    user, source: Source, *, job: PersonImport | None = None, confirm_unknown_area: bool = False
) -> RowChecker:
    checker = RowChecker(user, confirm_unknown_area=confirm_unknown_area)
    processed = 0
    total = job.total_rows if job else 0
    for batch in _batches(iter_rows(source), BATCH_SIZE):
        checker.check_batch(batch)
        processed += len(batch)
        if job is not None:
            _progress(job, processed, total)
    checker.total = processed
    return checker


def _write(user, checker: RowChecker, job: PersonImport | None, file_name: str) -> tuple[int, int]:
    """Insert persons and tags in one transaction; one audit event. Returns (persons, tags)."""
    today = checker.today
    rows = checker.rows
    now_today = timezone.localdate()
    for row in rows:
        row.person.is_sensitive = checker.is_sensitive(row, now_today)
    if job is not None:
        # The write is one transaction: nothing it does is seen before the commit, so the last
        # beat is this one. JINGUO_IMPORT_STALE_MINUTES must exceed the longest write.
        _beat(job)
    with transaction.atomic():
        persons = [r.person for r in rows]
        for person, pk in zip(persons, insert_rows(Person, persons, returning=True), strict=True):
            person.pk = pk
        reason = _("批量导入")
        tags = [
            {
                "person_id": row.person.pk,
                "tag_type_id": tag_type.pk,
                "org_id": row.person.org_id,
                "org_path": row.person.org_path,
                "since": today,
                "reason": reason,
                "responsible_id": user.pk,
                "review_days": tag_type.review_days,
                "next_review_on": today + timedelta(days=tag_type.review_days),
                "is_sensitive": row.person.is_sensitive,
            }
            for row in rows
            for tag_type in row.tag_types
        ]
        insert_rows(PersonTag, tags)
        units = sorted({r.person.org.code for r in rows})
        if job is not None:
            job.status = choices.ImportStatus.DONE
            job.created_count = len(rows)
            job.processed_rows = job.total_rows = checker.total
            job.errors = [i.as_dict() for i in checker.issues]
            job.finished_at = timezone.now()
            job.message = ""
            job.save(
                update_fields=[
                    "status",
                    "created_count",
                    "processed_rows",
                    "total_rows",
                    "errors",
                    "finished_at",
                    "message",
                ]
            )
        # Last write of the transaction: it holds the audit chain lock until commit.
        audit.write_event(
            kind=AuditKind.CHANGE,
            action="import",
            user=user,
            obj=job,
            object_type="people.person",
            detail={
                "file": file_name,
                "rows": checker.total,
                "created": len(rows),
                "tags": len(tags),
                "sensitive": sum(1 for r in rows if r.person.is_sensitive),
                "warnings": checker.warnings,
                "units": units[:50],
            },
        )
    return len(rows), len(tags)


SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def _page_cache():
    """A large SQLite page cache for the import's connection, restored afterwards.

    With the default 2 MB cache, inserting into the dozen indexes of a large person table (and
    the duplicate look-ups) keeps re-reading index pages from disk.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def import_persons(
    user,
    source: Source,
    *,
    file_name: str,
    job: PersonImport | None = None,
    confirm_unknown_area: bool | None = None,
) -> Outcome:
    """Validate the whole file (its bytes, or a path); write nothing if any row is wrong, else
    everything at once. An ID number with an unknown area code is an error unless the
    uploader confirmed such numbers (``confirm_unknown_area``, by default the job's)."""
    if confirm_unknown_area is None:
        confirm_unknown_area = bool(job and job.confirm_unknown_area)
    with _page_cache():
        return _import_persons(
            user, source, file_name=file_name, job=job, confirm_unknown_area=confirm_unknown_area
        )


def _import_persons(
    user, source: Source, *, file_name: str, job: PersonImport | None, confirm_unknown_area: bool
) -> Outcome:
    outcome = Outcome()
    try:
        checker = validate_file(user, source, job=job, confirm_unknown_area=confirm_unknown_area)
    except ImportFileError as exc:
        outcome.message = exc.message
        outcome.issues = [Issue(exc.line, FILE_COLUMN, "", exc.message)]
        outcome.errors = 1
        return outcome
    outcome.total = checker.total
    outcome.errors, outcome.warnings = checker.errors, checker.warnings
    outcome.issues = checker.issues
    if checker.errors:
        return outcome
    if not checker.total:
        outcome.message = _("文件中没有数据行：表头下面是空的。")
        outcome.issues = [Issue(2, FILE_COLUMN, "", outcome.message)]
        outcome.errors = 1
        return outcome
    try:
        outcome.created, outcome.tags = _write(user, checker, job, file_name)
    except IntegrityError:
        # Someone filed one of these ID numbers between validation and writing.
        outcome.message = _("导入时发现有证件号码已被他人同时登记，未导入任何数据，请重新上传。")
        outcome.issues = [Issue(0, FILE_COLUMN, "", outcome.message)]
        outcome.errors = 1
    return outcome


def person_import_create(
    *, user, data: bytes, file_name: str, total_rows: int, confirm_unknown_area: bool = False
) -> PersonImport:
    """A queued job for an upload that passed the request's checks; the file is stored sealed."""
    stored_path = upload_save(data)
    try:
        return PersonImport.objects.create(
            user=user,
            file_name=Path(file_name).name[:200],
            stored_path=stored_path,
            total_rows=total_rows,
            confirm_unknown_area=confirm_unknown_area,
        )
    except BaseException:
        upload_delete(stored_path)
        raise


def _take_upload(job: PersonImport) -> bytes:
    """The upload's plaintext, in memory; the stored file is deleted whatever happens."""
    try:
        return upload_read(job.stored_path)
    finally:
        upload_delete(job.stored_path)
        PersonImport.objects.filter(pk=job.pk).update(stored_path="")
        job.stored_path = ""


def _finish(job: PersonImport, status: str, message: str, **fields) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "message", "finished_at", *fields])


def person_import_run(*, import_id: int) -> PersonImport | None:
    """Run one queued job (from the task worker or inline); a job runs at most once."""
    claimed = PersonImport.objects.filter(pk=import_id, status=choices.ImportStatus.PENDING).update(
        status=choices.ImportStatus.RUNNING, processed_rows=0, heartbeat_at=timezone.now()
    )
    job = PersonImport.objects.select_related("user").filter(pk=import_id).first()
    if not claimed or job is None:
        return job
    try:
        try:
            data = _take_upload(job)
        except (FileNotFoundError, crypto.DecryptionError) as exc:
            logger.warning(
                "person import %s: the upload is unreadable (%s)", import_id, type(exc).__name__
            )
            _finish(
                job,
                choices.ImportStatus.ERROR,
                _(
                    "上传的文件已无法读取（可能在系统升级或更换密钥之前上传），未导入任何记录，请重新上传。"
                ),
            )
            return job
        outcome = import_persons(job.user, data, file_name=job.file_name, job=job)
        if not outcome.ok:
            _finish(
                job,
                choices.ImportStatus.FAILED,
                outcome.message
                or _("发现 %(n)s 处错误，未导入任何数据。") % {"n": f"{outcome.errors:,}"},
                created_count=0,
                total_rows=max(outcome.total, job.processed_rows),
                errors=[i.as_dict() for i in outcome.issues],
            )
    except Exception:
        logger.exception("person import %s failed", import_id)
        PersonImport.objects.filter(pk=import_id).update(
            status=choices.ImportStatus.ERROR,
            message=_("系统错误，未导入任何数据。请稍后重试或联系管理员。"),
            finished_at=timezone.now(),
        )
    finally:
        if job.stored_path:  # not taken: the run failed before reading it
            upload_delete(job.stored_path)
            PersonImport.objects.filter(pk=import_id).update(stored_path="")
    job.refresh_from_db()
    return job


def issue_counts(job: PersonImport) -> tuple[int, int]:
    errors = sum(1 for i in job.errors if i.get("level") == "error")
    return errors, len(job.errors) - errors
