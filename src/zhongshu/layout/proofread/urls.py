from django.urls import path

from . import views

app_name = "proofread"

urlpatterns = [
    path("", views.check_page, name="check"),
    path("terms/", views.term_list, name="term_list"),
    path("terms/new/", views.term_edit, name="term_create"),
    path("terms/<int:pk>/", views.term_edit, name="term_edit"),
    path("terms/<int:pk>/active/", views.term_toggle, name="term_toggle"),
]
