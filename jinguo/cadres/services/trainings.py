"""Trainings, attendance (a person's training record) and qualifications."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import QualificationKind, TrainingKind
from ..models import Attendance, Qualification, Training
from .common import check_date, check_org, check_person, clean_text, require_perm, scoped_get


def training_create(
    *, user, org, topic, kind, starts_on, ends_on, hours, organiser="", trainer=""
) -> Training:
    require_perm(user, Training, "add")
    errors: dict = {}
    check_org(user, org, errors)
    topic = clean_text(topic, errors, "topic", label=_("培训主题"), max_length=200, required=True)
    if kind not in TrainingKind.values:
        errors["kind"] = _("请选择培训类别。")
    check_date(starts_on, errors, "starts_on", label=_("开始日期"), future_ok=True)
    check_date(ends_on, errors, "ends_on", label=_("结束日期"), future_ok=True)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if hours is None or not Decimal("0.5") <= Decimal(hours) <= Decimal("999"):
        errors["hours"] = _("学时须在 0.5 到 999 之间。")
    organiser = clean_text(organiser, errors, "organiser", label=_("主办方"), max_length=100)
    trainer = clean_text(trainer, errors, "trainer", label=_("授课人"), max_length=100)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = Training.objects.create(
            org=org,
            topic=topic,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            hours=hours,
            organiser=organiser,
            trainer=trainer,
        )
        audit.record_change(user, training, "create", after=audit.snapshot(training))
    return training


def attendance_add(*, user, training, person, completed=True, certificate_no="") -> Attendance:
    errors: dict = {}
    check_person(user, person, errors, "person")
    certificate_no = clean_text(
        certificate_no, errors, "certificate_no", label=_("证书编号"), max_length=60
    )
    with transaction.atomic():
        training = scoped_get(user, Training, training, "change")
        if not errors and training.attendances.filter(person=person).exists():
            errors["person"] = _("此人已在本次培训的学员名单中。")
        if errors:
            raise ValidationError(errors)
        row = Attendance.objects.create(
            org=training.org,
            training=training,
            person=person,
            completed=bool(completed),
            certificate_no=certificate_no,
        )
        audit.record_change(
            user, training, "attendance_add", after={"person_id": person.pk, "completed": completed}
        )
    return row


def qualification_create(
    *, user, org, person, kind, number="", issued_on=None, expires_on=None
) -> Qualification:
    require_perm(user, Qualification, "add")
    errors: dict = {}
    check_org(user, org, errors)
    check_person(user, person, errors, "person")
    if kind not in QualificationKind.values:
        errors["kind"] = _("请选择资格类别。")
    number = clean_text(number, errors, "number", label=_("证书编号"), max_length=60)
    check_date(issued_on, errors, "issued_on", label=_("发证日期"), required=False)
    check_date(expires_on, errors, "expires_on", label=_("有效期"), future_ok=True, required=False)
    if issued_on and expires_on and expires_on < issued_on:
        errors["expires_on"] = _("有效期不能早于发证日期。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Qualification.objects.create(
            org=org,
            person=person,
            kind=kind,
            number=number,
            issued_on=issued_on,
            expires_on=expires_on,
        )
        audit.record_change(user, row, "create", after=audit.snapshot(row))
    return row
