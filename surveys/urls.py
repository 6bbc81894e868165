from django.urls import path, re_path

from . import views

app_name = "surveys"
urlpatterns = [
    path("survei/sw.js", views.service_worker, name="service_worker"),
    path("survei/token.json", views.token, name="token"),  # no unit's form: those end in a slash
    path("survei/<str:kode>/", views.questionnaire, name="questionnaire"),
    path("survei/<str:kode>/terima-kasih/", views.thanks, name="thanks"),
    path("privasi/", views.privacy, name="privacy"),
    path("kelola/privasi/", views.privacy_edit, name="privacy_edit"),
    path("kelola/periode/", views.period_list, name="periods"),
    re_path(r"^kelola/periode/(?P<kode>[^/]+)/(?P<action>buka|kunci)/$", views.period_state, name="period_state"),
]
