from django.urls import path

from reports.views import bukti, dashboards, help, periods, public_reports, rencana, report_jobs, report_texts

UNIT = "kelola/unit/<unit_kode:unit_kode>"
UNIT_PERIOD = f"{UNIT}/periode/<periode_kode:periode_kode>"

app_name = "reports"
urlpatterns = [
    path("kelola/", dashboards.workspace_home, name="workspace"),
    path(f"{UNIT}/", dashboards.unit_dashboard_view, name="unit_dashboard"),
    path(f"{UNIT_PERIOD}/pengaturan/", dashboards.unit_period_settings, name="unit_period_settings"),
    path(f"{UNIT_PERIOD}/prioritas/", rencana.prioritas_view, name="prioritas"),
    path(f"{UNIT_PERIOD}/rencana/", rencana.rencana_view, name="rencana"),
    path("kelola/tindak-lanjut/<int:pk>/hapus/", rencana.tindak_lanjut_delete_view, name="tindak_lanjut_delete"),
    path("kelola/tindak-lanjut/<int:pk>/realisasi/", rencana.realisasi_view, name="realisasi"),
    path("kelola/tindak-lanjut/<int:pk>/bukti/", bukti.bukti_view, name="bukti"),
    path("kelola/saran/<int:pk>/ditangani/", dashboards.saran_handled, name="saran_handled"),
    path("kelola/kota/", dashboards.city_dashboard_view, name="city_dashboard"),
    path(
        "kelola/kota/tanda/<unit_kode:unit_kode>/<periode_kode:periode_kode>/<slug:code>/",
        dashboards.flag_review_view,
        name="flag_review",
    ),
    path("kelola/periode/<periode_kode:periode_kode>/kunci/", periods.period_lock_view, name="period_lock"),
    path("kelola/bantuan/kualitas-data/", help.help_quality_view, name="help_quality"),
    path("kelola/laporan/", report_jobs.report_list, name="reports"),
    path("kelola/laporan/<int:pk>/", report_jobs.report_job_view, name="job"),
    path("kelola/laporan/<int:pk>/status/", report_jobs.report_job_status, name="job_status"),
    path("kelola/laporan/<int:pk>/unduh/", report_jobs.report_job_download, name="job_download"),
    path("kelola/laporan/<int:pk>/ulang/", report_jobs.report_job_retry, name="job_retry"),
    path("kelola/laporan/pengantar/<periode_kode:periode_kode>/", report_texts.front_matter_view, name="front_matter"),
    path("kelola/laporan/riwayat/", report_texts.history_view, name="history"),
    # Public (no login), locked periods only: the addresses the city report's annex prints.
    path(
        "hasil/<periode_kode:periode_kode>/unit/<unit_kode:unit_kode>/laporan.pdf",
        public_reports.public_unit_report,
        name="public_unit_report",
    ),
    path(
        "hasil/<periode_kode:periode_kode>/unit/<unit_kode:unit_kode>/realisasi.pdf",
        public_reports.public_unit_realisasi,
        name="public_unit_realisasi",
    ),
    path(
        "kelola/laporan/unit/<unit_kode:unit_kode>/<periode_kode:periode_kode>/",
        report_jobs.unit_report_download,
        name="unit_report",
    ),
]
