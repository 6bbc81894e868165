from django.urls import path, re_path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    re_path(r"^(?P<kode>[^/]+)/qr\.(?P<fmt>png|svg)$", views.unit_qr, name="qr"),
    path("<str:kode>/poster.pdf", views.unit_poster, name="poster"),
]
