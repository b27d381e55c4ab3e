from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.plan_list, name="home"),
    path("new/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/refuse/", views.plan_refuse, name="refuse"),
    path("<int:pk>/merge/", views.plan_merge, name="merge"),
    path("review/", views.review, name="review"),
    path("burden/", views.burden, name="burden"),
    path("settings/", views.settings_edit, name="settings"),
]
