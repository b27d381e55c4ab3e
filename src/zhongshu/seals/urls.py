from django.urls import path

from . import views

app_name = "seals"

urlpatterns = [
    path("", views.seal_list, name="list"),
    path("new/", views.seal_create, name="create"),
    path("revocations/", views.revocation_list, name="revocations"),
    path("<int:pk>/", views.seal_detail, name="detail"),
    path("<int:pk>/image.png", views.seal_image, name="image"),
    path("<int:pk>/rotate/", views.seal_rotate, name="rotate"),
    path("<int:pk>/revoke/", views.seal_revoke, name="revoke"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
]
