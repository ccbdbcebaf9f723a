"""The pages refuse invisible control characters in text as the API does, keeping the input."""

import pytest
from django import forms

from jinguo.core.forms import ScopedForm
from jinguo.core.serializers import CONTROL_CHARACTER_MESSAGE


class NoteForm(ScopedForm):
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    kinds = forms.MultipleChoiceField(choices=[("a", "a"), ("b\x07", "b")], required=False)


@pytest.mark.parametrize("text", ["报告\x00", "\x1b[31m红字", "a\x7f", "x\x0bx"])
def test_control_characters_are_refused_with_a_clear_message(text):
    form = NoteForm(data={"title": text, "note": "正常"})
    assert not form.is_valid()
    assert form.errors["title"] == [str(CONTROL_CHARACTER_MESSAGE)]
    # What was typed stays in the form for the user to correct.
    assert form["title"].value() == text


def test_tabs_and_line_breaks_are_text():
    form = NoteForm(data={"title": "标题\t一", "note": "第一行\r\n第二行"})
    assert form.is_valid(), form.errors


def test_choices_are_checked_too():
    form = NoteForm(data={"title": "ok", "kinds": ["b\x07"]})
    assert not form.is_valid() and "kinds" in form.errors
