from django.urls import path

from surveys.views import public, staff

app_name = "surveys"
urlpatterns = [
    path("survei/sw.js", public.service_worker, name="service_worker"),
    path("survei/token.json", public.token, name="token"),  # no unit's form: those end in a slash
    path("survei/luring.html", public.offline, name="offline"),  # the service worker's page without signal
    path("survei/<unit_kode:unit_kode>/", public.questionnaire, name="questionnaire"),
    path("survei/<unit_kode:unit_kode>/terima-kasih/", public.thanks, name="thanks"),
    path("privasi/", public.privacy, name="privacy"),
    path("kelola/privasi/", staff.privacy_edit, name="privacy_edit"),
    path("kelola/periode/", staff.period_list, name="periods"),
    path("kelola/periode/<periode_kode:periode_kode>/buka/", staff.period_open_view, name="period_open"),
    path("kelola/unit/", staff.unit_list, name="unit_list"),
    path("kelola/unit/<unit_kode:unit_kode>/qr.png", staff.unit_qr, {"fmt": "png"}, name="qr_png"),
    path("kelola/unit/<unit_kode:unit_kode>/qr.svg", staff.unit_qr, {"fmt": "svg"}, name="qr_svg"),
    path("kelola/unit/<unit_kode:unit_kode>/poster.pdf", staff.unit_poster, name="poster"),
    path("kelola/unit/<unit_kode:unit_kode>/kuesioner-kertas/", staff.paper_entry, name="paper_entry"),
    path("kelola/unit/<unit_kode:unit_kode>/impor/", staff.response_import_view, name="response_import"),
    path("kelola/templat-kuesioner.csv", staff.import_template, name="import_template"),
]
