"""What the volunteers pages share: a POST that calls one service on one scoped record."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from jinguo.core.generic import ServiceFormView


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class ObjectActionView(LoginRequiredMixin, View):
    """POST only: find the record through restrict(user, action), validate ``form_class``,
    call ``perform``; errors come back as a message on the record's page."""

    model = None
    action = "change"
    form_class = None
    success_message = ""
    # A page view whose ``get(request, pk, form=...)`` shows the record with the bound form
    # again on an error, so that what was typed stays; None: errors as messages.
    page_view = None

    def get_object(self, request, pk):
        return get_object_or_404(self.model.objects.restrict(request.user, self.action), pk=pk)

    def form_kwargs(self, obj):
        return {}

    def perform(self, obj, data):
        raise NotImplementedError

    def redirect_to(self, obj):
        return obj.get_absolute_url()

    # The form is one row's, on its parent's page (``page_pk``): the page is told which row.
    row_form = False

    def page_pk(self, obj):
        """The record whose page shows this form."""
        return obj.pk

    def show_again(self, request, obj, form):
        form_for = obj.pk if self.row_form else None
        return self.page_view().get(request, self.page_pk(obj), form=form, form_for=form_for)

    def post(self, request, pk):
        obj = self.get_object(request, pk)
        data = {}
        if self.form_class is not None:
            form = self.form_class(request.POST, user=request.user, **self.form_kwargs(obj))
            if not form.is_valid():
                if self.page_view is not None:
                    return self.show_again(request, obj, form)
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(self.redirect_to(obj))
            data = form.cleaned_data
        try:
            self.perform(obj, data)
        except ValidationError as exc:
            if self.page_view is not None and self.form_class is not None:
                form.add_service_error(exc)
                return self.show_again(request, obj, form)
            messages.error(request, error_text(exc))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return redirect(self.redirect_to(obj))


class ObjectFormView(ServiceFormView):
    """A form page about one record found through restrict(user, ``action``) (404 outside)."""

    model = None
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(
                self.model.objects.restrict(request.user, self.action), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_success_url(self.object)
        return ctx
