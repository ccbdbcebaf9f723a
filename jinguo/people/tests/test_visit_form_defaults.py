"""A routine visit needs no typing: the visit form comes with every required field filled."""

from jinguo.people.forms.visits import VisitForm


def test_a_new_visit_form_has_every_required_field_filled():
    form = VisitForm(with_target=False)
    for name, field in form.fields.items():
        if field.required:
            assert form[name].value(), f"{name} needs typing"
