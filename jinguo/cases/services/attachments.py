"""Attachments: checked, hashed, encrypted at rest, served only through a scoped view.

CONTRACT:
- ALLOWED_EXTENSIONS, MAX_BYTES
- attachment_add(*, user, case, upload, description="") -> Attachment
- attachment_read(*, user, attachment) -> bytes   (decrypts; writes an access audit row)
"""
