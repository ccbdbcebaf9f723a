"""Masking rules for personal information shown on screen and in exports."""


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, min(len(name) - 1, 2))


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return value[:2] + "*" * max(1, len(value) - 4) + value[-2:]


def mask_address(value: str | None) -> str:
    if not value:
        return ""
    keep = min(6, max(2, len(value) // 3))
    return value[:keep] + "****"
