from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.JinguoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.placeholder, name="user_list"),
    path("users/<int:pk>/", views.placeholder, name="user_detail"),
    path("roles/", views.placeholder, name="role_list"),
    path("roles/<int:pk>/", views.placeholder, name="role_detail"),
]
