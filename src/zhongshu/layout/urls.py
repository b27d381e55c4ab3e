from django.urls import path

from . import views

app_name = "layout"

urlpatterns = [
    path("render/", views.render_page, name="render"),
]
