"""Factories for people records (persons, households), shared by every people test module.

``PersonFactory(org=unit, name="张丽", birth_date=date(1985, 3, 1), gender="F")`` fills the
derived columns (pinyin, search text, blind indexes) through ``person_fill_derived`` before
saving, exactly as the services do, so that look-ups by pinyin, ID or phone work in tests.
"""

from datetime import date

import factory

from jinguo.people import choices
from jinguo.people.models import Household, HouseholdMember, Person
from jinguo.people.services.derived import person_fill_derived
from jinguo.testing.factories import OrgUnitFactory

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["丽", "芳", "娜", "敏", "静", "秀英", "桂英", "玉兰", "丽娟", "海燕", "雪梅", "春梅"]


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def resident_id(birth: date, gender: str = "F", area: str = "110105", seq: int = 12) -> str:
    """A valid 18-digit resident ID for the given birth date and gender (GB 11643)."""
    from jinguo.core.identity import check_char

    # 3-digit order code: odd for men, even for women.
    order = seq * 2 + (1 if gender == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{order % 1000:03d}"
    return body + check_char(body)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    org = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(_name)
    gender = choices.Gender.FEMALE
    birth_date = date(1985, 6, 15)
    id_type = choices.IdType.NONE
    id_number = ""
    phone = ""
    phone2 = ""
    address = ""
    notes = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person_fill_derived(person)
        person.save()
        if person.is_minor:
            from jinguo.people.services.derived import person_refresh_sensitivity

            person_refresh_sensitivity(person)
        return person

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return person_fill_derived(model_class(*args, **kwargs))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    org = factory.SubFactory(OrgUnitFactory)
    name = factory.Sequence(lambda n: f"{_name(n)}家")
    address = ""


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory, org=factory.SelfAttribute("..household.org"))
    relationship = choices.Relationship.OTHER
