from django.urls import path, re_path

from . import views

app_name = "units"
urlpatterns = [
    path("kelola/", views.workspace_home, name="home"),
    path("kelola/unit/", views.unit_list, name="list"),
    path("kelola/unit/<str:kode>/", views.unit_dashboard_view, name="dashboard"),
    re_path(r"^kelola/unit/(?P<kode>[^/]+)/qr\.(?P<fmt>png|svg)$", views.unit_qr, name="qr"),
    path("kelola/unit/<str:kode>/poster.pdf", views.unit_poster, name="poster"),
    path("kelola/unit/<str:kode>/periode/<str:periode>/pengaturan/", views.unit_period_settings, name="settings"),
    path("kelola/unit/<str:kode>/periode/<str:periode>/prioritas/", views.prioritas_view, name="prioritas"),
    path("kelola/unit/<str:kode>/periode/<str:periode>/rencana/", views.rencana_view, name="rencana"),
    path("kelola/unit/<str:kode>/kuesioner-kertas/", views.kuesioner_kertas, name="kertas"),
    path("kelola/unit/<str:kode>/impor/", views.impor_view, name="impor"),
    path("kelola/tindak-lanjut/<int:pk>/hapus/", views.tindak_lanjut_hapus, name="tindak_lanjut_hapus"),
    path("kelola/tindak-lanjut/<int:pk>/realisasi/", views.realisasi_view, name="realisasi"),
    path("kelola/tindak-lanjut/<int:pk>/bukti/", views.bukti_view, name="bukti"),
    path("kelola/saran/<int:pk>/ditangani/", views.saran_ditangani, name="saran_ditangani"),
    path("kelola/templat-kuesioner.csv", views.impor_templat, name="templat"),
    path("kelola/audit/", views.audit_view, name="audit"),
]
