from django.urls import path

from . import views

app_name = "kernel"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
]
