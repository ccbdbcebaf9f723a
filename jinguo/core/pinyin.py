"""Pinyin of Chinese names, for search ("zhangli" or "zl" finds 张丽) and sorting."""

import re

from pypinyin import Style, lazy_pinyin

_ASCII = re.compile(r"[^a-z0-9]")


def name_pinyin(name: str) -> str:
    """Full pinyin without tones or spaces: 张丽 → zhangli. Latin names are lower-cased."""
    syllables = lazy_pinyin(name or "", style=Style.NORMAL, errors="default")
    return _ASCII.sub("", "".join(syllables).lower())


def name_initials(name: str) -> str:
    """First letter of each syllable: 张丽 → zl."""
    syllables = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return _ASCII.sub("", "".join(syllables).lower())


def looks_like_pinyin(query: str) -> bool:
    return bool(query) and query.isascii() and query.replace(" ", "").isalpha()


def normalise_query(query: str) -> str:
    return _ASCII.sub("", (query or "").lower())
