from django.urls import path

from . import views

app_name = "incoming"

urlpatterns = [
    path("", views.register, name="register"),
    path("export.xlsx", views.export, name="export"),
    path("pending/", views.pending, name="pending"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/files/<int:file_id>/", views.download, name="download"),
]
