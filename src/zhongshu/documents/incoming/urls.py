from django.urls import path

from . import views, views_reading

app_name = "incoming"

urlpatterns = [
    path("", views.register, name="register"),
    path("export.xlsx", views.export, name="export"),
    path("pending/", views.pending, name="pending"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/files/<int:file_id>/", views.download, name="download"),
    path("<int:pk>/files/<int:file_id>/pages/<int:number>.png", views_reading.page_image,
         name="page_image"),
    path("<int:pk>/slip/", views_reading.slip, name="slip"),
    path("<int:pk>/reply/", views_reading.reply, name="reply"),
    path("<int:pk>/reply/files/<int:file_id>/", views_reading.reply_download, name="reply_download"),
    path("<int:pk>/draft-reply/", views_reading.draft_reply, name="draft_reply"),
    path("stats/", views_reading.stats, name="stats"),
]
