from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from progov.accounts import views
from progov.accounts.forms import NewPasswordForm, ResetRequestForm

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail: Django's four views, our forms and pages.
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetRequestForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        views.password_reset_sent,
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=NewPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
]
