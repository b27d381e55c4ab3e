from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .auth_views import SignInView
from .pickers import views as picker_views

app_name = "org"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/password/change/", views.password_change, name="password_change"),
    path("system/units/", views.unit_list, name="unit_list"),
    path("system/units/new/", views.unit_edit, name="unit_create"),
    path("system/units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("system/people/", views.person_list, name="person_list"),
    path("system/people/new/", views.person_edit, name="person_create"),
    path("system/people/<int:pk>/", views.person_edit, name="person_edit"),
    path("system/people/<int:pk>/unlock/", views.person_unlock, name="person_unlock"),
    path("system/people/<int:pk>/reset-password/", views.person_reset_password,
         name="person_reset_password"),
    path("system/import/", views.import_start, name="import_start"),
    path("system/import/template.xlsx", views.import_template, name="import_template"),
    # The picker's dialog (fragments) and the office's groups (docs/pickers.md).
    path("org/pick/dialog/", picker_views.pick_dialog, name="pick_dialog"),
    path("org/pick/tree/", picker_views.pick_tree, name="pick_tree"),
    path("org/pick/search/", picker_views.pick_search, name="pick_search"),
    path("org/pick/recent/", picker_views.pick_recent, name="pick_recent"),
    path("org/groups/", picker_views.group_list, name="pick_group_list"),
    path("org/groups/new/", picker_views.group_edit, name="pick_group_create"),
    path("org/groups/<int:pk>/", picker_views.group_edit, name="pick_group_edit"),
]

# Sign-in and sign-out live outside the namespace under Django's usual names.
auth_urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
