from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("kelola/audit/", views.audit_view, name="audit"),
]
