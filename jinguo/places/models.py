"""Service places (阵地): their kinds with the standard each must meet, the places themselves,
the checklist state and the activity log.

A place of a confidential kind (a shelter) is never public, and its address and phone are
shown only to its staff (the reserved ``locate`` action) and to those who may locate the
protection app's shelter it is linked to (selectors.locatable_place_ids)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedCharField
from jinguo.core.models import ScopedModel
from jinguo.core.scoping import Audience

from . import choices


class PlaceKind(models.Model):
    code = models.SlugField(max_length=40, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=50, unique=True, verbose_name=_("名称"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))
    confidential = models.BooleanField(
        default=False,
        verbose_name=_("保密场所"),
        help_text=_("如反家暴庇护场所：从不公开，地址只有本场所工作人员能看到。"),
    )
    order = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("阵地类型")
        verbose_name_plural = _("阵地类型")

    def __str__(self):
        return self.name


class StandardItem(models.Model):
    """One item of a kind's standard (e.g. 有牌子); a place meets the standard when every
    active item of its kind is checked as met."""

    kind = models.ForeignKey(
        PlaceKind, on_delete=models.CASCADE, related_name="items", verbose_name=_("阵地类型")
    )
    label = models.CharField(max_length=100, verbose_name=_("标准项"))
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("排序"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = _("建设标准项")
        verbose_name_plural = _("建设标准项")

    def __str__(self):
        return self.label


class Place(ScopedModel):
    kind = models.ForeignKey(
        PlaceKind, on_delete=models.PROTECT, related_name="places", verbose_name=_("类型")
    )
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    # Encrypted for every kind (a shelter's must be; one rule is simpler than two columns).
    address = EncryptedCharField(blank=True, max_input_length=200, verbose_name=_("地址"))
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("纬度")
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("经度")
    )
    opening_hours = models.CharField(max_length=100, blank=True, verbose_name=_("开放时间"))
    phone = models.CharField(max_length=30, blank=True, verbose_name=_("联系电话"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("工作人员")
    )
    volunteers = models.TextField(blank=True, verbose_name=_("志愿者"))
    shelter = models.ForeignKey(
        "protection.Shelter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("对应庇护场所"),
    )
    is_public = models.BooleanField(default=False, verbose_name=_("对外公开"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    # Kept by the services whenever a check or the kind's standard changes, so that lists,
    # the home panel and coverage filter on it by index.
    meets_standard = models.BooleanField(default=False, editable=False, verbose_name=_("达标"))
    last_checked_on = models.DateField(
        null=True, blank=True, editable=False, verbose_name=_("最近核查日期")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Only the staff "locate" a place (see its address when the kind is confidential); no
    # role, share or subtree gives it.
    scope_audience = Audience(users="staff", actions=("locate",), reserved=("locate",))

    class Meta:
        ordering = ["org_path", "kind__order", "name"]
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        permissions = [
            ("check_place", _("核查阵地建设标准")),
            ("import_place", _("批量导入服务阵地")),
        ]
        indexes = [
            models.Index(
                fields=["org_path"],
                name="places_place_scope",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["kind", "meets_standard", "org"], name="places_place_cover"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("places:place_detail", args=[self.pk])


class PlaceCheck(models.Model):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="checks", verbose_name=_("服务阵地")
    )
    item = models.ForeignKey(
        StandardItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("标准项")
    )
    met = models.BooleanField(default=False, verbose_name=_("达到"))
    checked_on = models.DateField(verbose_name=_("核查日期"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核查人"),
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))

    class Meta:
        verbose_name = _("标准核查")
        verbose_name_plural = _("标准核查")
        constraints = [
            models.UniqueConstraint(fields=["place", "item"], name="places_check_unique")
        ]


class PlaceActivity(models.Model):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="activities", verbose_name=_("服务阵地")
    )
    kind = models.CharField(
        max_length=20, choices=choices.ActivityKind.choices, verbose_name=_("活动类型")
    )
    held_on = models.DateField(verbose_name=_("日期"))
    title = models.CharField(max_length=100, verbose_name=_("主题"))
    attendance = models.PositiveIntegerField(default=0, verbose_name=_("参加人数"))
    note = models.TextField(blank=True, verbose_name=_("说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("阵地活动")
        verbose_name_plural = _("阵地活动")


def _photo_storage():
    from jinguo.cases.storage import get_attachment_storage

    return get_attachment_storage()


class PlacePhoto(models.Model):
    """A photo of a place, stored encrypted like case attachments (never given a URL; served
    by a scoped view). A confidential place's photos are shown only to those who may locate
    it: a picture of a doorway gives the address away."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="photos", verbose_name=_("服务阵地")
    )
    file = models.FileField(storage=_photo_storage, upload_to="places/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    caption = models.CharField(max_length=100, blank=True, verbose_name=_("说明"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("上传时间"))

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")
