from django.contrib.auth import views as auth_views
from django.urls import path

from . import role_views, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.JinguoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", two_factor_views.LoginCodeView.as_view(), name="login_code"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "two-factor/enrol/",
        two_factor_views.TwoFactorEnrolView.as_view(),
        name="two_factor_enrol",
    ),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "two-factor/recovery-codes/new/",
        two_factor_views.RecoveryCodesRegenerateView.as_view(),
        name="recovery_codes_regenerate",
    ),
    path(
        "two-factor/disable/",
        two_factor_views.TwoFactorDisableView.as_view(),
        name="two_factor_disable",
    ),
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
    path(
        "users/<int:pk>/two-factor-reset/",
        two_factor_views.UserTwoFactorResetView.as_view(),
        name="user_two_factor_reset",
    ),
    path("roles/", role_views.RoleListView.as_view(), name="role_list"),
    path("roles/new/", role_views.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/", role_views.RoleDetailView.as_view(), name="role_detail"),
    path("roles/<int:pk>/edit/", role_views.RoleUpdateView.as_view(), name="role_update"),
    path("roles/<int:pk>/delete/", role_views.RoleDeleteView.as_view(), name="role_delete"),
]
