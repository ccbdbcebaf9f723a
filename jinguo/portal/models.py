"""The public portal's records.

An appeal a woman sends is a ``cases.Case`` (channel "online portal"); ``PortalAppeal`` keeps
only what the portal itself needs beside it: the keyed hash of her tracking code, the hash of
her PIN, the lock after wrong PINs and the expiry. Nothing here is shown on a staff page.

With the intake queue on (JINGUO_PORTAL_QUEUE), the appeal first points at its row in the
queue (``submission``) and gets its case a few seconds later, when the intake worker files it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField

from . import choices


class PortalAppeal(models.Model):
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="portal",
        verbose_name=_("个案"),
    )
    submission = models.OneToOneField(
        "cases.IntakeSubmission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接入队列诉求"),
    )
    # HMAC of the code (core.crypto.blind_index): a copy of the database does not give the codes.
    code_index = models.CharField(max_length=64, unique=True, editable=False)
    pin_salt = models.CharField(max_length=32, editable=False)
    pin_hash = models.CharField(max_length=64, editable=False)
    topic = models.CharField(max_length=20, choices=choices.HelpTopic.choices)
    in_danger = models.BooleanField(default=False)
    contact_way = models.CharField(
        max_length=10, choices=choices.ContactWay.choices, default=choices.ContactWay.NONE
    )
    failed_pins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    last_viewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("网上求助")
        verbose_name_plural = _("网上求助")

    def __str__(self):
        return str(_("网上求助 %(id)s")) % {"id": self.pk}


class PublicReply(models.Model):
    """A reply a worker chose to publish to the woman; she reads it with her code and PIN."""

    appeal = models.ForeignKey(PortalAppeal, on_delete=models.CASCADE, related_name="replies")
    body = EncryptedTextField(verbose_name=_("回复内容"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["published_at", "id"]
        default_permissions = ("add", "view")
        verbose_name = _("公开回复")
        verbose_name_plural = _("公开回复")

    def __str__(self):
        return str(_("公开回复 %(id)s")) % {"id": self.pk}


class KnowledgePage(models.Model):
    """A know-your-rights article or a frequently asked question, written by staff in a small
    Markdown subset (portal/markdown.py renders it escaped)."""

    kind = models.CharField(
        max_length=10,
        choices=choices.PageKind.choices,
        default=choices.PageKind.PAGE,
        verbose_name=_("类型"),
    )
    title = models.CharField(max_length=100, verbose_name=_("标题"))
    body = models.TextField(
        max_length=20000,
        verbose_name=_("正文"),
        help_text=_("支持简单格式：# 标题、- 列表、1. 编号、**加粗**、[文字](链接)；空一行分段。"),
    )
    sort_order = models.PositiveIntegerField(default=100, verbose_name=_("排序"))
    is_published = models.BooleanField(default=True, verbose_name=_("公开"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "sort_order", "id"]
        verbose_name = _("维权知识")
        verbose_name_plural = _("维权知识")

    def __str__(self):
        return self.title


class ConsultationSlot(models.Model):
    """A session of the legal-consultation schedule (律师在线 and similar)."""

    starts_at = models.DateTimeField(verbose_name=_("开始时间"))
    ends_at = models.DateTimeField(verbose_name=_("结束时间"))
    topic = models.CharField(max_length=100, verbose_name=_("主题"))
    way = models.CharField(
        max_length=10, choices=choices.ConsultWay.choices, verbose_name=_("咨询方式")
    )
    where = models.CharField(
        max_length=200,
        blank=True,
        verbose_name=_("地点或电话"),
        help_text=_("现场咨询写地点，电话咨询写电话；不写个人手机号。"),
    )
    is_published = models.BooleanField(default=True, verbose_name=_("公开"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("法律咨询安排")
        verbose_name_plural = _("法律咨询安排")

    def __str__(self):
        return self.topic
