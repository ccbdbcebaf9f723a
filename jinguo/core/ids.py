"""Record ids are bigints: anything else in an id's place names no record, and must not reach
the database, which would overflow on it."""

MAX_ID = 2**63 - 1


def valid_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
