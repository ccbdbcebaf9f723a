"""The demo app's one entry in the registry: how its loading shows in the audit trail."""

from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

registry.audit_labels({"demo_load": _("加载示范数据")})
