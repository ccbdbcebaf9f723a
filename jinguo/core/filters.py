import django_filters

from .forms import style_fields


class BaseFilterSet(django_filters.FilterSet):
    """FilterSet whose form is styled and whose choice fields are scoped to the request user."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_jinguo_styled", False):
            style_fields(form)
            form._jinguo_styled = True
        return form

    @property
    def user(self):
        return getattr(self.request, "user", None)
