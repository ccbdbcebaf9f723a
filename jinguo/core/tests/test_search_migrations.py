"""The full-text index survives migrating the people tables back and forth."""

import pytest
from django.core.management import call_command

from jinguo.people.models import Person
from jinguo.people.services.derived import person_fill_derived


@pytest.mark.django_db(transaction=True)
def test_full_text_search_works_after_migrating_back_and_forth(tree):
    call_command("migrate", "people", "0003", verbosity=0)
    call_command("migrate", verbosity=0)
    person = Person(name="张丽", notes="丈夫长期在外务工", org=tree.community_a)
    person_fill_derived(person)
    person.save()
    assert list(Person.objects.filter(search_text__fts="务工")) == [person]
    person.notes = "参加了技能培训"
    person_fill_derived(person)
    person.save()
    assert not Person.objects.filter(search_text__fts="务工").exists()
    assert list(Person.objects.filter(search_text__fts="培训")) == [person]
