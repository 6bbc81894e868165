from django.urls import path, re_path

from surveys.views import kiosk, public, saran_tema, staff

app_name = "surveys"
urlpatterns = [
    path("survei/sw.js", public.service_worker, name="service_worker"),
    path("survei/token.json", public.token, name="token"),  # no unit's form: those end in a slash
    path("survei/luring.html", public.offline, name="offline"),  # the service worker's page without signal
    # Before the units' forms: "loket" is no unit's code.
    path("survei/loket/", kiosk.questionnaire, name="kiosk"),
    path("survei/loket/terima-kasih/", kiosk.thanks, name="kiosk_thanks"),
    path("survei/loket/pasang/", kiosk.pair, name="kiosk_pair"),
    re_path(r"^survei/loket/pasang/(?P<code>[A-HJKMNP-Z2-9]{8})/$", kiosk.pair, name="kiosk_pair_code"),
    path("survei/<unit_kode:unit_kode>/", public.questionnaire, name="questionnaire"),
    path("survei/<unit_kode:unit_kode>/terima-kasih/", public.thanks, name="thanks"),
    path("privasi/", public.privacy, name="privacy"),
    path("kelola/privasi/", staff.privacy_edit, name="privacy_edit"),
    path("kelola/tema-saran/", saran_tema.saran_tema_rules, name="saran_tema_rules"),
    path("kelola/periode/", staff.period_list, name="periods"),
    path("kelola/periode/<periode_kode:periode_kode>/buka/", staff.period_open_view, name="period_open"),
    path("kelola/unit/", staff.unit_list, name="unit_list"),
    path("kelola/unit/<unit_kode:unit_kode>/qr.png", staff.unit_qr, {"fmt": "png"}, name="qr_png"),
    path("kelola/unit/<unit_kode:unit_kode>/qr.svg", staff.unit_qr, {"fmt": "svg"}, name="qr_svg"),
    path("kelola/unit/<unit_kode:unit_kode>/poster.pdf", staff.unit_poster, name="poster"),
    path("kelola/unit/<unit_kode:unit_kode>/kuesioner-kertas/", staff.paper_entry, name="paper_entry"),
    path("kelola/unit/<unit_kode:unit_kode>/impor/", staff.response_import_view, name="response_import"),
    path("kelola/unit/<unit_kode:unit_kode>/loket/", kiosk.device_list, name="kiosk_devices"),
    path("kelola/unit/<unit_kode:unit_kode>/loket/<int:pk>/kode/", kiosk.device_code, name="kiosk_device_code"),
    path("kelola/unit/<unit_kode:unit_kode>/loket/<int:pk>/cabut/", kiosk.device_revoke, name="kiosk_device_revoke"),
    path("kelola/templat-kuesioner.csv", staff.import_template, name="import_template"),
]
