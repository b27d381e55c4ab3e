from django.urls import path

from . import phrase_views, views

app_name = "workflow"

urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_edit, name="template_create"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/v<int:number>/", views.template_version, name="template_version"),
    path("routes/<int:pk>/", views.route_detail, name="route_detail"),
    path("routes/<int:pk>/act/", views.route_act, name="route_act"),
    path("phrases/", phrase_views.phrase_list, name="phrases"),
    path("phrases/<int:pk>/", phrase_views.phrase_edit, name="phrase_edit"),
    path("phrases/<int:pk>/delete/", phrase_views.phrase_delete, name="phrase_delete"),
]
