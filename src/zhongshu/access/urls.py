from django.urls import path

from . import pages

app_name = "access"

urlpatterns = [
    path("security/clearances/", pages.clearance_list, name="clearance_list"),
    path("security/clearances/<int:pk>/", pages.clearance_edit, name="clearance_edit"),
    path("security/grants/", pages.grant_list, name="grant_list"),
    path("security/grants/revoke/<int:pk>/", pages.grant_revoke, name="grant_revoke"),
    path("security/grants/<str:label>/<int:object_id>/", pages.object_grants, name="object_grants"),
    path("security/password-resets/", pages.password_reset_list, name="password_reset_list"),
    path("security/password-resets/<int:pk>/", pages.password_reset_detail, name="password_reset_detail"),
    path("delegations/", pages.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/revoke/", pages.delegation_revoke, name="delegation_revoke"),
    path("forwarding/", pages.forward_list, name="forward_list"),
    path("forwarding/new/<str:label>/<int:object_id>/", pages.forward_create, name="forward_create"),
    path("forwarding/<int:pk>/", pages.forward_detail, name="forward_detail"),
]
