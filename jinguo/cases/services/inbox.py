"""The intake queue: a platform's appeal is stored at once and registered by a worker.

CONTRACT:
- submission_accept(*, user, body: dict) -> tuple[IntakeSubmission, bool]
    Stores the body (encrypted) under (user, client_reference); the same pair again returns
    the first submission and False, whatever the new body says. Only the envelope is checked
    here (permission, reference, size); every rule of the intake service applies when the
    worker registers it. Raises PermissionDenied or ValidationError (Chinese).
- register_pending(*, limit=REGISTER_BATCH) -> RegisterOutcome
    Registers up to ``limit`` pending submissions, oldest first, in one transaction: each
    becomes a case through ``case_create_idempotent`` (its own savepoint) or is rejected with
    the reasons by field. Workers may run side by side: rows are claimed with SKIP LOCKED.
    A batch that PostgreSQL aborts to break a deadlock is run again (retry_on_deadlock).
- register_submission(submission) -> IntakeSubmission
    The same for one submission (inline mode: the API registers at once).
- submission_errors(exc) -> dict[str, list[str]]
- check_backlog(now=None) -> str   (a scheduled job: warns administrators of a stuck queue)
- queue_pressure(now=None) -> QueuePressure   (how fast appeals arrive, how long the oldest waits)
"""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import retry_on_deadlock

from ..deadlines import policies_cached
from ..models import IntakeSubmission, SubmissionStatus
from .common import require_perm
from .intake import case_create_idempotent, client_reference_error

# One transaction a batch: it holds the unit's number counter, which an operator registering a
# call in the same unit waits for, so a batch stays well under a second.
REGISTER_BATCH = 25
PAYLOAD_MAX_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


@dataclass
class RegisterOutcome:
    registered: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.registered + self.rejected


def submission_accept(*, user, body) -> tuple[IntakeSubmission, bool]:
    require_perm(user, "add", message=_("该账号没有登记诉求的权限。"))
    if not isinstance(body, dict):
        raise ValidationError({"__all__": _("请以 JSON 对象提交一条诉求。")})
    reference = body.get("client_reference")
    reference = reference.strip() if isinstance(reference, str) else ""
    if not reference:
        raise ValidationError({"client_reference": _("请提供对方系统编号（用于防止重复提交）。")})
    if problem := client_reference_error(reference):
        raise ValidationError({"client_reference": problem})
    payload = json.dumps({**body, "client_reference": reference}, ensure_ascii=False)
    if len(payload.encode()) > PAYLOAD_MAX_BYTES:
        raise ValidationError(
            {"__all__": _("提交内容过大（超过 %(n)d KB）。") % {"n": PAYLOAD_MAX_BYTES // 1024}}
        )
    try:
        # Insert first: a new reference (nearly every call) costs one statement; a repeated
        # one fails on cases_submission_unique_ref and is answered with the first submission.
        with transaction.atomic():
            submission = IntakeSubmission.objects.create(
                submitted_by=user, client_reference=reference, payload=payload
            )
    except IntegrityError:
        existing = IntakeSubmission.objects.filter(
            submitted_by=user, client_reference=reference
        ).first()
        if existing is None:
            raise
        return existing, False
    return submission, True


def submission_errors(exc) -> dict:
    """Reasons by field, as lists of Chinese messages."""
    if isinstance(exc, PermissionDenied):
        return {"__all__": [_("该账号没有登记诉求的权限，或已被停用。")]}
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _drf_errors(errors) -> dict:
    """DRF's nested error structure flattened to field → messages (``parties.0.role``)."""
    flat: dict = {}

    def walk(value, key):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for i, v in enumerate(value):
                if v:
                    walk(v, f"{key}.{i}")
        else:
            messages = value if isinstance(value, list) else [value]
            flat.setdefault("__all__" if key == "non_field_errors" else key, []).extend(
                _stored_message(m) for m in messages
            )

    walk(errors, "")
    return flat


def _stored_message(message) -> str:
    """The reason as it is kept: messages that quote the submitted value ("…" is not a valid
    choice) are replaced, so that no typed-in value is stored in clear with the refusal."""
    code = getattr(message, "code", None)
    if code == "invalid_choice":
        return _("请选择有效的选项。")
    if code == "does_not_exist":
        return _("所选内容不存在、已停用或不在您的管辖范围内。")
    return str(message)


class _Caller:
    """What the input serializer needs of a request: the submitting account."""

    def __init__(self, user):
        self.user = user


def _register(submission: IntakeSubmission, *, category_cache: dict, batch) -> None:
    from ..api.inputs import CaseIntakeSerializer

    user = submission.submitted_by
    submission.processed_at = timezone.now()
    try:
        body = json.loads(submission.payload)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _reject(submission, {"__all__": [_("提交内容不是有效的 JSON 对象。")]})
    if not user.is_active:
        return _reject(submission, submission_errors(PermissionDenied()))
    body["client_reference"] = submission.client_reference
    serializer = CaseIntakeSerializer(
        data=body, context={"request": _Caller(user), "category_cache": category_cache}
    )
    if not serializer.is_valid():
        return _reject(submission, _drf_errors(serializer.errors))
    data = dict(serializer.validated_data)
    # Deadlines run from when the platform delivered the appeal, not from when it was
    # registered, unless the platform says when it was received.
    data["received_at"] = data.get("received_at") or submission.received_at
    mark = batch.mark()
    try:
        with transaction.atomic():
            case, created = case_create_idempotent(user=user, **data)
    except (ValidationError, PermissionDenied) as exc:
        batch.discard_since(mark)
        return _reject(submission, submission_errors(exc))
    if not created:
        # The reference already had a case (the synchronous API, or a lost race whose
        # savepoint rolled back what this attempt recorded): nothing of ours to audit.
        batch.discard_since(mark)
    submission.status = SubmissionStatus.REGISTERED
    submission.case = case
    submission.errors = {}
    return None


def _reject(submission: IntakeSubmission, errors: dict) -> None:
    submission.status = SubmissionStatus.REJECTED
    submission.case = None
    submission.errors = errors
    # The reasons name fields, never the values typed into them.
    audit.record_change(
        submission.submitted_by,
        submission,
        "reject",
        after={"status": SubmissionStatus.REJECTED, "fields": sorted(errors)},
        client_reference=submission.client_reference,
    )


UPDATED_FIELDS = ["status", "case", "errors", "processed_at"]


def _register_rows(rows: list[IntakeSubmission]) -> RegisterOutcome:
    outcome = RegisterOutcome()
    category_cache: dict = {}
    with audit.batched() as batch, policies_cached():
        for submission in rows:
            mark = batch.mark()
            try:
                with transaction.atomic():
                    _register(submission, category_cache=category_cache, batch=batch)
            except OperationalError:
                raise  # a lost connection or a deadlock: the whole batch is tried again
            except Exception as exc:
                # One appeal the service cannot handle must not block the queue behind it.
                # The kind only: a message may quote what was submitted.
                logger.error(
                    "intake: submission %s could not be registered (%s)",
                    submission.pk,
                    type(exc).__name__,
                )
                batch.discard_since(mark)
                _reject(submission, {"__all__": [_("登记时出现系统错误，已记录；请联系管理员。")]})
            if submission.status == SubmissionStatus.REGISTERED:
                outcome.registered += 1
            else:
                outcome.rejected += 1
    IntakeSubmission.objects.bulk_update(rows, UPDATED_FIELDS)
    return outcome


@retry_on_deadlock
def register_pending(*, limit: int = REGISTER_BATCH) -> RegisterOutcome:
    with transaction.atomic():
        rows = list(
            IntakeSubmission.objects.filter(status=SubmissionStatus.PENDING)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("submitted_by__home_unit")
            .order_by("id")[:limit]
        )
        if not rows:
            return RegisterOutcome()
        return _register_rows(rows)


@retry_on_deadlock
def register_submission(submission: IntakeSubmission) -> IntakeSubmission:
    with transaction.atomic():
        row = (
            IntakeSubmission.objects.select_for_update(of=("self",))
            .select_related("submitted_by__home_unit")
            .filter(pk=submission.pk, status=SubmissionStatus.PENDING)
            .first()
        )
        if row is not None:
            _register_rows([row])
    submission.refresh_from_db()
    return submission


BACKLOG_MINUTES = 10


def check_backlog(now=None) -> str:
    """For the scheduler: warn the system administrators when appeals have waited in the queue
    longer than BACKLOG_MINUTES (no ``process_intake`` running, or it cannot keep up); each
    administrator is told at most once an hour."""
    from django.contrib.auth import get_user_model

    from jinguo.core.models import Notification
    from jinguo.core.notifications import notify

    now = now or timezone.now()
    waiting = IntakeSubmission.objects.filter(
        status=SubmissionStatus.PENDING, received_at__lt=now - timedelta(minutes=BACKLOG_MINUTES)
    ).count()
    if not waiting:
        return _("接入队列正常")
    title = _("接入队列积压")
    told = Notification.objects.filter(
        title=title, created_at__gte=now - timedelta(hours=1)
    ).values("recipient_id")
    admins = (
        get_user_model()
        .objects.filter(
            is_active=True,
            roles__permissions__content_type__app_label="core",
            roles__permissions__codename="manage_users",
        )
        .exclude(pk__in=told)
        .distinct()
    )
    body = _(
        "接入队列中有 %(n)d 条诉求已等待超过 %(m)d 分钟仍未登记。请检查接入队列处理进程"
        "（manage.py process_intake）是否在运行。"
    ) % {"n": waiting, "m": BACKLOG_MINUTES}
    for admin in admins:
        notify(admin, title, body, level="warning")
    return _("接入队列积压 %(n)d 条") % {"n": waiting}


@dataclass
class QueuePressure:
    arrived_last_second: int
    oldest_wait_seconds: float

    def burst(self, rate: float, max_delay: float) -> bool:
        """A burst is arriving (``rate`` appeals a second or more) and nothing has waited
        ``max_delay`` seconds yet: answering the platforms comes first, registering later."""
        return self.arrived_last_second >= rate and self.oldest_wait_seconds < max_delay


def queue_pressure(now=None) -> QueuePressure:
    """One look at the pending rows: arrivals in the last second and the oldest one's age."""
    from django.db.models import Count, Min, Q

    now = now or timezone.now()
    found = IntakeSubmission.objects.filter(status=SubmissionStatus.PENDING).aggregate(
        recent=Count("id", filter=Q(received_at__gte=now - timedelta(seconds=1))),
        oldest=Min("received_at"),
    )
    oldest = found["oldest"]
    return QueuePressure(
        arrived_last_second=found["recent"],
        oldest_wait_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    )
