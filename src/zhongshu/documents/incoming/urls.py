from django.urls import path

from . import views

app_name = "incoming"

urlpatterns = [
    path("", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
]
