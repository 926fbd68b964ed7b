from django.urls import path

from preceptor.profiles import photo_views, views

app_name = "profiles"
urlpatterns = [
    path("u/<str:handle>/", views.profile_detail, name="detail"),
    path("u/<str:handle>/photo.jpg", views.profile_avatar, name="avatar"),
    path("settings/profile/", views.profile_edit, name="edit"),
    path("settings/profile/facebook-photo/", photo_views.facebook_photo, name="facebook_photo"),
]
