from django.contrib.auth import views as auth_views
from django.urls import path

from .views import roles, users

app_name = "accounts"

urlpatterns = [
    path("login/", users.JinguoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", users.PasswordChangeView.as_view(), name="password_change"),
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/new/", users.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", users.UserUpdateView.as_view(), name="user_update"),
    path("users/<int:pk>/active/", users.UserDeactivateView.as_view(), name="user_deactivate"),
    path(
        "users/<int:pk>/password-reset/",
        users.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path("roles/", roles.RoleListView.as_view(), name="role_list"),
    path("roles/new/", roles.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/", roles.RoleDetailView.as_view(), name="role_detail"),
    path("roles/<int:pk>/edit/", roles.RoleUpdateView.as_view(), name="role_update"),
    path("roles/<int:pk>/delete/", roles.RoleDeleteView.as_view(), name="role_delete"),
]
