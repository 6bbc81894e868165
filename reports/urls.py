from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("kelola/kota/", views.city_dashboard_view, name="city_dashboard"),
    path("kelola/kota/tanda/<str:kode>/<str:periode>/<str:code>/", views.flag_review_view, name="flag_review"),
    path("kelola/bantuan/kualitas-data/", views.help_quality_view, name="help_quality"),
    path("kelola/laporan/", views.report_list, name="reports"),
    path("kelola/laporan/<int:pk>/", views.report_job_view, name="job"),
    path("kelola/laporan/<int:pk>/status/", views.report_job_status, name="job_status"),
    path("kelola/laporan/<int:pk>/unduh/", views.report_job_download, name="job_download"),
    path("kelola/laporan/<int:pk>/ulang/", views.report_job_retry, name="job_retry"),
    path("kelola/laporan/pengantar/<str:periode>/", views.front_matter_view, name="front_matter"),
    path("kelola/laporan/riwayat/", views.history_view, name="history"),
    path("kelola/laporan/unit/<str:kode>/<str:periode>/", views.unit_report_download, name="unit_report"),
]
