"""Photos of places: JPEG or PNG only, checked like case attachments (extension, first bytes,
whole structure, no program inside), encrypted at rest under a random name.

CONTRACT:
- photo_add(*, user, place, upload, caption="") -> PlacePhoto
- photo_read(*, user, pk) -> (PlacePhoto, bytes)  (404-style ValidationError when she may not
  see it: out of scope, or a confidential place she may not locate)
"""

import hashlib
import logging
import secrets
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.services.attachments import content_matches
from jinguo.cases.storage import attachment_storage
from jinguo.core import audit, crypto
from jinguo.core.filecheck import structure_problem
from jinguo.core.scoping import may

from .models import Place, PlacePhoto
from .selectors import may_locate

logger = logging.getLogger(__name__)
TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}
MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 20
CAPTION_MAX = 100


def _stored_name() -> str:
    return f"places/{timezone.localdate():%Y/%m}/{secrets.token_hex(16)}.bin"


def photo_add(*, user, place: Place, upload, caption: str = "") -> PlacePhoto:
    if not user.has_perm("places.change_place") or not may(user, "change", place):
        raise PermissionDenied
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise ValidationError({"caption": _("说明不能超过 %(n)d 个字。") % {"n": CAPTION_MAX}})
    name = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()[-200:]
    ext = PurePath(name).suffix.lower().lstrip(".")
    if not name:
        raise ValidationError({"upload": _("请选择要上传的照片。")})
    if ext not in TYPES:
        raise ValidationError({"upload": _("照片只支持 JPG 和 PNG 格式。")})
    if getattr(upload, "size", 0) and upload.size > MAX_BYTES:
        raise ValidationError({"upload": _("照片不能超过 5 MB。")})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"upload": _("照片不能超过 5 MB。")})
    problem = structure_problem(ext, data) if content_matches(ext, data) else "magic"
    if problem:
        logger.warning("place photo refused: %s (.%s)", problem, ext)
        raise ValidationError(
            {"upload": _("照片“%(name)s”的内容与扩展名不符或已损坏，请重新选择。") % {"name": name}}
        )
    if place.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"upload": _("每个阵地最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}})
    stored = None
    try:
        with transaction.atomic():
            stored = attachment_storage.save(
                _stored_name(), ContentFile(crypto.encrypt_bytes(data))
            )
            photo = PlacePhoto.objects.create(
                place=place,
                file=stored,
                original_name=name,
                content_type=TYPES[ext],
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                caption=caption,
                uploaded_by=user,
            )
            audit.record_change(user, place, "place_photo", photo=photo.pk, size=len(data))
    except BaseException:
        if stored:
            attachment_storage.delete(stored)
        raise
    return photo


def photo_read(*, user, pk) -> tuple[PlacePhoto, bytes]:
    photo = (
        PlacePhoto.objects.filter(pk=pk, place__in=Place.objects.restrict(user, "view"))
        .select_related("place__kind")
        .first()
    )
    if photo is None or not may_locate(user, photo.place):
        raise Http404
    try:
        with attachment_storage.open(photo.file.name, "rb") as fh:
            data = crypto.decrypt_bytes(fh.read())
    except (OSError, crypto.DecryptionError):
        data = b""
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        logger.error("place photo %s failed its integrity check", photo.pk)
        raise Http404
    if photo.place.kind.confidential:
        audit.record_access(user, photo.place, action="open", photo=photo.pk)
    return photo, data
