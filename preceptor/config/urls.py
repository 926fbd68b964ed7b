from django.contrib import admin
from django.urls import include, path

from preceptor.accounts import views as account_views

urlpatterns = [
    path("", include("preceptor.site.urls")),
    path("", include("preceptor.privacy.urls")),
    path("", include("preceptor.accounts.urls")),
    path("", include("preceptor.profiles.urls")),
    path("", include("preceptor.quizzes.urls")),
    path("", include("preceptor.catalog.urls")),
    path("", include("preceptor.billing.urls")),
    path("", include("preceptor.mail.urls")),
    path("", include("preceptor.analytics.urls")),
    path("", include("preceptor.cme.urls")),
    path("", include("preceptor.classes.urls")),
    path("", include("preceptor.magazine.urls")),
    path("", include("preceptor.support.urls")),
    path("", include("preceptor.teams.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own: its login goes through the site's throttled, two-factor sign-in (accounts).
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

# A database outage answers 503 with Retry-After; every other error the site's 500 page (core.errors).
handler500 = "preceptor.core.errors.server_error"
