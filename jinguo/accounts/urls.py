from django.contrib.auth import views as auth_views
from django.urls import path

from .views import roles, two_factor, users

app_name = "accounts"

urlpatterns = [
    path("login/", users.JinguoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", two_factor.LoginCodeView.as_view(), name="login_code"),
    path("password/", users.PasswordChangeView.as_view(), name="password_change"),
    path(
        "two-factor/enrol/",
        two_factor.TwoFactorEnrolView.as_view(),
        name="two_factor_enrol",
    ),
    path(
        "two-factor/recovery-codes/",
        two_factor.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "two-factor/recovery-codes/new/",
        two_factor.RecoveryCodesRegenerateView.as_view(),
        name="recovery_codes_regenerate",
    ),
    path(
        "two-factor/disable/",
        two_factor.TwoFactorDisableView.as_view(),
        name="two_factor_disable",
    ),
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
    path(
        "users/<int:pk>/two-factor-reset/",
        two_factor.UserTwoFactorResetView.as_view(),
        name="user_two_factor_reset",
    ),
    path("roles/", roles.RoleListView.as_view(), name="role_list"),
    path("roles/new/", roles.RoleCreateView.as_view(), name="role_create"),
    path("roles/<int:pk>/", roles.RoleDetailView.as_view(), name="role_detail"),
    path("roles/<int:pk>/edit/", roles.RoleUpdateView.as_view(), name="role_update"),
    path("roles/<int:pk>/delete/", roles.RoleDeleteView.as_view(), name="role_delete"),
]
