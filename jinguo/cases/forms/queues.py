"""The form that saves a work queue's filters under a name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm


class SavedFilterForm(ScopedForm):
    name = forms.CharField(label=_("名称"), max_length=40)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
