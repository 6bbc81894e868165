from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("<str:kode>/", views.questionnaire, name="questionnaire"),
    path("<str:kode>/terima-kasih/", views.thanks, name="thanks"),
]
