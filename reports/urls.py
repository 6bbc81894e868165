from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("kelola/kota/", views.city_dashboard_view, name="city_dashboard"),
]
