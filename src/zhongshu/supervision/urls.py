from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("instructions/", views.register, name="register"),
    path("instructions/new/", views.instruction_new, name="instruction_new"),
    path("instructions/<int:pk>/scan/", views.instruction_scan, name="instruction_scan"),
    path("instructions/<int:pk>/circulate/", views.instruction_circulate, name="instruction_circulate"),
    path("matters/new/", views.matter_new, name="matter_new"),
    path("matters/<int:pk>/", views.matter, name="matter"),
    path("matters/<int:pk>/act/", views.matter_act, name="matter_act"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/act/", views.task_act, name="task_act"),
    path("mine/", views.mine, name="mine"),
    path("leader/", views.leader, name="leader"),
    path("stats/", views.stats, name="stats"),
    path("stats/circular/", views.circular, name="circular"),
    path("weekly/<int:pk>/", views.weekly, name="weekly"),
    path("plan/import/", views.plan_import, name="plan_import"),
]
