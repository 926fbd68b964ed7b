from django.urls import path

from preceptor.support import staff_views, views, webhooks

app_name = "support"
urlpatterns = [
    path("support/", views.contact, name="contact"),
    path("support/sent/", views.sent, name="sent"),
    path("support/tickets/", views.ticket_list, name="tickets"),
    path("support/tickets/<uuid:public_id>/", views.ticket_detail, name="ticket"),
    path("support/tickets/<uuid:public_id>/reply/", views.ticket_reply, name="ticket_reply"),
    path("support/attachments/<uuid:public_id>/", views.attachment, name="attachment"),
    path("support/help/", views.help_json, name="help_search"),
    path("support/help/<slug:slug>/", views.help_article, name="help_article"),
    path("support/webhooks/postmark/", webhooks.postmark_inbound, name="webhook_postmark"),
    path("staff/support/", staff_views.queue, name="staff_queue"),
    path("staff/support/<uuid:public_id>/", staff_views.ticket, name="staff_ticket"),
    path("staff/support/<uuid:public_id>/reply/", staff_views.reply, name="staff_reply"),
    path("staff/support/<uuid:public_id>/update/", staff_views.update, name="staff_update"),
]
