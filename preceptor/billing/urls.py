from django.urls import path

from preceptor.billing import staff_views, views

app_name = "billing"
# The demo checkout's signed tokens: never in a log (core/redaction.py).
SECRET_URL_KWARGS = {"billing:demo_pay": ("token",), "billing:demo_order_pay": ("token",)}
urlpatterns = [
    # First: the app's busiest route (bursts of provider events) is matched before its pages.
    path("webhooks/<str:provider_name>/", views.webhook, name="webhook"),
    path("pricing/", views.pricing, name="pricing"),
    path("billing/", views.overview, name="overview"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/cancel/", views.cancel, name="cancel"),
    path("billing/resume/", views.resume, name="resume"),
    path("billing/manage/", views.manage, name="manage"),
    path("billing/details/", views.details, name="details"),
    path("billing/receipts/<uuid:public_id>/", views.receipt, name="receipt"),
    path("billing/receipts/<uuid:public_id>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("billing/demo/pay/<str:token>/", views.demo_pay, name="demo_pay"),
    path("billing/demo/order/<str:token>/", views.demo_order_pay, name="demo_order_pay"),
    path("billing/transfer/<uuid:public_id>/", views.transfer, name="transfer"),
    path("staff/billing/transfers/", staff_views.transfers, name="staff_transfers"),
    path(
        "staff/billing/transfers/<uuid:public_id>/received/",
        staff_views.transfer_received,
        name="staff_transfer_received",
    ),
    path("billing/orders/<uuid:public_id>/return/", views.order_return, name="order_return"),
]
