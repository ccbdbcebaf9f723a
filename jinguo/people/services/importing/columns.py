"""The import file's columns: headers and their aliases, required flags, the words grid
platforms use for each choice, and what an empty cell stands for."""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from ... import choices
from ..persons import PERSON_UNIT_KINDS

NOTES_MAX = 2000
TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class Column:
    key: str  # Person field, or "unit_code" / "tags"
    header: str  # the file's header: a file format, so not translated
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: type | None = None


COLUMNS = [
    Column("name", "姓名", True, ("人员姓名",)),
    Column("gender", "性别", choices=choices.Gender),
    Column("birth_date", "出生日期", aliases=("出生年月日", "生日")),
    Column("ethnicity", "民族"),
    Column("id_type", "证件类型", choices=choices.IdType),
    Column("id_number", "证件号码", aliases=("身份证号", "身份证号码", "公民身份号码")),
    Column("phone", "手机号", aliases=("手机号码", "联系电话", "手机")),
    Column("phone2", "其他电话", aliases=("固定电话", "备用电话")),
    Column("address", "现住址", aliases=("现居住地址", "居住地址", "住址")),
    Column("registration", "户籍类型", choices=choices.Registration),
    Column("origin_place", "户籍地", aliases=("户籍地址", "来源地")),
    Column("marital_status", "婚姻状况", choices=choices.MaritalStatus),
    Column("education", "文化程度", aliases=("学历",), choices=choices.Education),
    Column("employment", "就业状况", choices=choices.Employment),
    Column("disability", "残疾情况", choices=choices.Disability),
    Column("living_situation", "居住状况", choices=choices.LivingSituation),
    Column("unit_code", "所属单位代码", True, ("单位代码", "社区代码", "网格代码")),
    Column("tags", "关注标签", aliases=("重点关注类型", "标签")),
    Column("notes", "备注"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# Choice columns that clean_person_values only checks (gender and ID type it also uses).
MAPPED_CHOICES = tuple(c.key for c in COLUMNS if c.choices and c.key not in {"gender", "id_type"})
HEADERS = [c.header for c in COLUMNS]
FILE_COLUMN = "文件"

# Words grid platforms use for the same choices.
CHOICE_ALIASES = {
    "gender": {"女性": "F", "男性": "M", "f": "F", "m": "M"},
    "id_type": {"身份证": "resident", "二代身份证": "resident", "无": "none"},
    "registration": {"本地": "local", "户籍人口": "local", "流动": "floating", "外来": "floating"},
    "marital_status": {"初婚": "married", "再婚": "married", "离婚": "divorced"},
    "education": {
        "文盲": "none",
        "高中": "senior",
        "中专": "senior",
        "大学本科": "bachelor",
        "硕士": "postgraduate",
        "博士": "postgraduate",
    },
    "employment": {"就业": "employed", "灵活就业": "self", "无业": "not_working"},
    "disability": {"否": "none", "健全": "none"},
    "living_situation": {"与家人同住": "family", "空巢": "alone"},
}
# Choices an empty cell stands for.
CHOICE_DEFAULTS = {
    "gender": choices.Gender.UNKNOWN,
    "registration": choices.Registration.LOCAL,
    "marital_status": choices.MaritalStatus.UNKNOWN,
    "education": choices.Education.UNKNOWN,
    "employment": choices.Employment.UNKNOWN,
    "disability": choices.Disability.NONE,
    "living_situation": choices.LivingSituation.WITH_FAMILY,
}


def choice_labels(enum) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for _value, label in enum.choices]


def choice_maps() -> dict[str, dict[str, str]]:
    """Choice column key → {lower-cased word: value}: labels, values and the aliases above."""
    maps = {}
    for column in COLUMNS:
        if column.choices is None:
            continue
        with translation.override("zh-hans"):
            mapping = {str(label): value for value, label in column.choices.choices}
        mapping.update({value: value for value in column.choices.values})
        mapping.update(CHOICE_ALIASES.get(column.key, {}))
        # Rows are not re-checked against the choices (RowChecker._check_row): every word
        # must lead to a valid value.
        invalid = set(mapping.values()) - set(column.choices.values)
        if invalid:
            raise ImproperlyConfigured(f"{column.key}: aliases to unknown choices {invalid}")
        maps[column.key] = {k.lower(): v for k, v in mapping.items()}
    return maps


def unit_kinds_label() -> str:
    with translation.override("zh-hans"):
        return "、".join(str(k.label) for k in PERSON_UNIT_KINDS)
