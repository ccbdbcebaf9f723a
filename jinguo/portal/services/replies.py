"""Public replies: what a worker publishes from the case page for the woman to read.

CONTRACT:
- reply_publish(*, user, case, body) -> PublicReply
    Needs portal.add_publicreply and the case in restrict(user, "change"); audited ("publish").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.cases.choices import EventKind
from jinguo.cases.models import Case
from jinguo.cases.services.common import add_event
from jinguo.core import audit

from ..models import PortalAppeal, PublicReply

BODY_MAX = 2000


def reply_publish(*, user, case, body: str) -> PublicReply:
    if not user.has_perm("portal.add_publicreply"):
        raise PermissionDenied
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = _("请填写要回复给求助人的内容。")
    elif len(body) > BODY_MAX:
        errors["body"] = _("回复不能超过 %(n)d 个字。") % {"n": BODY_MAX}
    with transaction.atomic():
        pk = case.pk if isinstance(case, Case) else case
        found = Case.objects.restrict(user, "change").select_for_update().filter(pk=pk).first()
        appeal = PortalAppeal.objects.filter(case=found).first() if found else None
        if appeal is None:
            raise ValidationError(_("该个案不存在，或您无权进行此项操作。"), code="not_found")
        if errors:
            raise ValidationError(errors)
        reply = PublicReply.objects.create(appeal=appeal, body=body, published_by=user)
        # On the case's timeline; the words stay in the portal section, not in the event.
        add_event(found, EventKind.NOTE, user=user, note=_("已在网上平台公开回复求助人。"))
        # The text is hers and may name people: the audit row keeps its length, not the words.
        audit.record_change(
            user, found, "publish_reply", after={"public_reply_id": reply.pk, "chars": len(body)}
        )
    return reply
