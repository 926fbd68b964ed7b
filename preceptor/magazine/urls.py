from django.urls import path

from preceptor.magazine import staff_views, views
from preceptor.magazine.feeds import ArticleFeed

app_name = "magazine"
urlpatterns = [
    path("magazine/", views.article_list_view, name="list"),
    path("magazine/feed/", ArticleFeed(), name="feed"),
    path("magazine/comments/<uuid:public_id>/edit/", views.comment_edit_view, name="comment_edit"),
    path("magazine/comments/<uuid:public_id>/delete/", views.comment_delete_view, name="comment_delete"),
    path("magazine/comments/<uuid:public_id>/report/", views.comment_report_view, name="comment_report"),
    path("magazine/<slug:slug>/", views.article_detail, name="article"),
    path("magazine/<slug:slug>/comments/", views.comment_new, name="comment"),
    path("staff/magazine/comments/", staff_views.moderation, name="moderation"),
    path("staff/magazine/comments/<uuid:public_id>/", staff_views.moderate, name="moderate"),
]
