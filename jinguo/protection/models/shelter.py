"""Shelters and stays. A shelter's address and phone are shown only to its own staff and to
those a stay there is shared with (the reserved ``locate`` action)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedCharField, EncryptedTextField
from jinguo.core.models import ScopedModel
from jinguo.core.scoping import Audience

from .. import choices
from .common import PersonRecord


class Shelter(ScopedModel):
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    agency = models.ForeignKey(
        "cases.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("运营机构"),
    )
    address = EncryptedCharField(max_input_length=200, verbose_name=_("地址"))
    phone = EncryptedCharField(blank=True, max_input_length=30, verbose_name=_("值班电话"))
    rooms = models.PositiveIntegerField(default=0, verbose_name=_("房间数"))
    beds = models.PositiveIntegerField(default=0, verbose_name=_("床位数"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("庇护所工作人员")
    )

    scope_audience = Audience(users="staff", actions=("view", "locate"), reserved=("locate",))

    class Meta:
        ordering = ["name"]
        verbose_name = _("庇护场所")
        verbose_name_plural = _("庇护场所")
        permissions = [("locate_shelter", _("查看庇护场所地址"))]

    def __str__(self):
        return self.name


class ShelterStay(PersonRecord):
    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, related_name="stays", verbose_name=_("庇护场所")
    )
    children = models.ManyToManyField(
        "people.Person", blank=True, related_name="+", verbose_name=_("随住子女")
    )
    admitted_at = models.DateTimeField(verbose_name=_("入住时间"))
    planned_leave_on = models.DateField(verbose_name=_("计划离开日期"))
    left_at = models.DateTimeField(null=True, blank=True, verbose_name=_("实际离开时间"))
    reason = EncryptedTextField(verbose_name=_("入住原因"))
    # Admitted although no bed was free (the admitting worker confirmed it).
    over_capacity = models.BooleanField(default=False, verbose_name=_("超员入住"))
    destination = models.CharField(
        max_length=20, choices=choices.StayDestination.choices, blank=True, verbose_name=_("去向")
    )
    destination_note = EncryptedTextField(blank=True, verbose_name=_("去向说明"))

    # The shelter's staff look after those staying there. ``locate`` on a stay is granted only
    # by a share of that stay for "locate" (no role holds it): how a stay "is shared with"
    # someone who may then see the shelter's address (selectors.shelter.locatable_shelters).
    scope_audience = Audience(users="shelter__staff", actions=("view", "change"))

    class Meta:
        ordering = ["-admitted_at", "-id"]
        verbose_name = _("庇护入住")
        verbose_name_plural = _("庇护入住")
        indexes = [models.Index(fields=["shelter", "left_at"], name="protection_stay_open")]
