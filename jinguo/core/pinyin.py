"""Pinyin of Chinese names, for search ("zhangli" or "zl" finds 张丽) and sorting."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_ASCII = re.compile(r"[^a-z0-9]")


# Names repeat a great deal (an import of 100,000 rows has far fewer distinct names).
@lru_cache(maxsize=65536)
def name_pinyin(name: str) -> str:
    """Full pinyin without tones or spaces: 张丽 → zhangli. Latin names are lower-cased."""
    syllables = lazy_pinyin(name or "", style=Style.NORMAL, errors="default")
    return _ASCII.sub("", "".join(syllables).lower())


@lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """First letter of each syllable: 张丽 → zl."""
    syllables = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return _ASCII.sub("", "".join(syllables).lower())


def looks_like_pinyin(query: str) -> bool:
    return bool(query) and query.isascii() and query.replace(" ", "").isalpha()


def normalise_query(query: str) -> str:
    return _ASCII.sub("", (query or "").lower())
