from django.contrib.auth import views as auth_views
from django.urls import path

from . import role_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.JinguoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/active/", views.UserDeactivateView.as_view(), name="user_deactivate"),
    path(
        "users/<int:pk>/password-reset/",
        views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path("roles/", role_views.RoleListView.as_view(), name="role_list"),
    path("roles/new/", role_views.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/", role_views.RoleDetailView.as_view(), name="role_detail"),
    path("roles/<int:pk>/edit/", role_views.RoleUpdateView.as_view(), name="role_update"),
    path("roles/<int:pk>/delete/", role_views.RoleDeleteView.as_view(), name="role_delete"),
]
