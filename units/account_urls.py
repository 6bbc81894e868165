"""Login and logout, under the names without a namespace that Django's settings use (LOGIN_URL)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from units.forms import LoginForm

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
