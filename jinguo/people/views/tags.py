"""Pages of key-focus tags (add, edit, review, end), the reviews that are due, and tag types."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectListView, ServiceFormView

from ..filtersets.tags import FocusTagTypeFilterSet, PersonTagFilterSet
from ..forms.tags import (
    TagCreateForm,
    TagEndForm,
    TagReviewForm,
    TagTypeCreateForm,
    TagTypeUpdateForm,
    TagUpdateForm,
)
from ..models import FocusTagType, PersonTag
from ..selectors.common import within_home_subtree
from ..selectors.tags import REVIEW_WINDOW_DAYS, review_counts, review_queryset
from ..services import tags
from ..tables.tags import FocusTagTypeTable, ReviewTable
from .common import RelatedFormView, TargetMixin


class TagCreateView(TargetMixin, RelatedFormView):
    form_class = TagCreateForm
    permission_required = "people.add_persontag"
    template_name = "people/tag_form.html"
    title = gettext_lazy("添加关注标签")
    success_message = gettext_lazy("关注标签已添加。")

    def perform(self, form):
        return tags.tag_add(user=self.request.user, **form.cleaned_data)


class TagUpdateView(RelatedFormView):
    model = PersonTag
    load_object = True
    form_class = TagUpdateForm
    permission_required = "people.change_persontag"
    template_name = "people/tag_form.html"
    title = gettext_lazy("编辑关注标签")
    success_message = gettext_lazy("关注标签已保存。")

    def get_object(self):
        tag = super().get_object()
        if tag.ended_on is not None:
            raise Http404
        return tag

    def get_initial(self):
        tag = self.object
        return {
            "reason": tag.reason,
            "responsible": tag.responsible_id,
            "review_days": tag.review_days,
        }

    def perform(self, form):
        return tags.tag_update(user=self.request.user, tag=self.object, **form.cleaned_data)


class TagReviewView(TagUpdateView):
    """Its responsible worker may record a review without the general change permission."""

    form_class = TagReviewForm
    permission_required = None
    scope_action = "view"
    title = gettext_lazy("复核关注标签")
    success_message = gettext_lazy("复核已记录。")

    def get_object(self):
        tag = super().get_object()
        if not tags.can_review(self.request.user, tag):
            raise Http404
        return tag

    def get_initial(self):
        return {}

    def perform(self, form):
        return tags.tag_review(user=self.request.user, tag=self.object, **form.cleaned_data)


class TagEndView(TagUpdateView):
    form_class = TagEndForm
    title = gettext_lazy("解除关注标签")
    success_message = gettext_lazy("关注标签已解除。")

    def get_initial(self):
        return {}

    def perform(self, form):
        return tags.tag_end(user=self.request.user, tag=self.object, **form.cleaned_data)


class ReviewListView(ObjectListView):
    """Overdue and soon-due reviews: mine (I am responsible) or my unit's subtree."""

    model = PersonTag
    filterset_class = PersonTagFilterSet
    table_class = ReviewTable
    template_name = "people/review_list.html"
    export_name = gettext_lazy("待复核标签")
    tab = "mine"

    def get_queryset(self):
        user = self.request.user
        qs = review_queryset(user)
        if self.tab == "mine":
            return qs.filter(responsible=user)
        return within_home_subtree(qs, user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            title=_("待复核标签"),
            tab=self.tab,
            counts=review_counts(self.request.user),
            window=REVIEW_WINDOW_DAYS,
        )
        return ctx


class TagTypeListView(ObjectListView):
    model = FocusTagType
    filterset_class = FocusTagTypeFilterSet
    table_class = FocusTagTypeTable
    title = gettext_lazy("关注标签类型")
    create_url_name = "people:tagtype_create"
    paginate_by = 50

    def get_queryset(self):
        return FocusTagType.objects.all()


class TagTypeCreateView(ServiceFormView):
    form_class = TagTypeCreateForm
    permission_required = "people.add_focustagtype"
    template_name = "people/tagtype_form.html"
    title = gettext_lazy("新增关注标签类型")
    success_message = gettext_lazy("标签类型已新增。")

    def perform(self, form):
        return tags.tagtype_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("people:tagtype_list")


class TagTypeUpdateView(ServiceFormView):
    form_class = TagTypeUpdateForm
    permission_required = "people.change_focustagtype"
    template_name = "people/tagtype_form.html"
    success_message = gettext_lazy("标签类型已保存。")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(FocusTagType, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        t = self.object
        return {
            "name": t.name,
            "description": t.description,
            "review_days": t.review_days,
            "sensitive": t.sensitive,
            "sort": t.sort,
            "is_active": t.is_active,
        }

    def get_context_data(self, **kwargs):
        self.title = _("编辑标签类型：%(name)s") % {"name": self.object.name}
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        return ctx

    def perform(self, form):
        return tags.tagtype_update(
            user=self.request.user, tag_type=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("people:tagtype_list")


class TagTypeActionView(LoginRequiredMixin, View):
    """POST-only: deactivate or delete a tag type."""

    action = "deactivate"

    def post(self, request, pk):
        perm = (
            "people.delete_focustagtype"
            if self.action == "delete"
            else "people.change_focustagtype"
        )
        if not request.user.has_perm(perm):
            raise PermissionDenied
        tag_type = get_object_or_404(FocusTagType, pk=pk)
        try:
            if self.action == "delete":
                tags.tagtype_delete(user=request.user, tag_type=tag_type)
                messages.success(request, _("标签类型已删除。"))
            else:
                tags.tagtype_deactivate(user=request.user, tag_type=tag_type)
                messages.success(request, _("标签类型已停用。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("people:tagtype_list")
