from django.urls import path
app_name = "cadres_api"
urlpatterns: list = []
