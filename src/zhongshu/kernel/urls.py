from django.urls import path

from . import views

app_name = "kernel"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
]
