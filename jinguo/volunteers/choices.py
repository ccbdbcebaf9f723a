from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class ResolutionStatus(models.TextChoices):
    OPEN = "open", _("落实中")
    DONE = "done", _("已办结")
