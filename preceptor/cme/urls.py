from django.urls import path

from preceptor.cme import views

app_name = "cme"

urlpatterns = [
    path("cme/", views.transcript_view, name="transcript"),
    path("cme-credit/", views.about_view, name="about"),
    path("cme/identity/", views.identity_view, name="identity"),
    path("cme/activities/<id:pk>/", views.claim_view, name="claim"),
    path("cme/claims/<uuid:certificate_id>/amend/", views.amend_view, name="amend"),
    path("cme/certificates/<uuid:certificate_id>.pdf", views.certificate_download, name="certificate_pdf"),
    path("certificates/<uuid:certificate_id>/", views.verify_view, name="verify"),
    path("staff/cme/", views.staff_view, name="staff"),
    path("staff/cme/activities/<id:pk>/evaluations/", views.evaluations_export, name="evaluations"),
]
