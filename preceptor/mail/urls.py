from django.urls import path

from preceptor.mail import staff_views, views, webhooks

app_name = "mail"
# The signed tokens of unsubscribe, open and click links: never in a log (core/redaction.py).
SECRET_URL_KWARGS = {"mail:unsubscribe": ("token",), "mail:open": ("token",), "mail:click": ("token",)}
urlpatterns = [
    path("settings/email/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("mail/o/<str:token>.gif", views.open_pixel, name="open"),
    path("mail/c/<str:token>/", views.click, name="click"),
    path("mail/webhooks/bounces/", webhooks.bounces, name="webhook_bounces"),
    path("mail/webhooks/postmark/", webhooks.postmark, name="webhook_postmark"),
    path("staff/newsletters/", staff_views.newsletters, name="staff_newsletters"),
    path("staff/newsletters/new/", staff_views.newsletter_new, name="staff_newsletter_new"),
    path("staff/newsletters/<uuid:public_id>/", staff_views.newsletter_detail, name="staff_newsletter"),
    path("staff/newsletters/<uuid:public_id>/test/", staff_views.newsletter_test, name="staff_newsletter_test"),
    path("staff/newsletters/<uuid:public_id>/send/", staff_views.newsletter_send, name="staff_newsletter_send"),
]
