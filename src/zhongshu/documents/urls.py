from django.urls import path

from . import reclassify, views, views_lists, views_organs

app_name = "documents"

urlpatterns = [
    path("", views_lists.home, name="home"),
    path("outgoing/", views_lists.register, name="register"),
    path("outgoing/export/", views_lists.register_export, name="register_export"),
    path("outgoing/numbers/", views_lists.numbers, name="numbers"),
    path("outgoing/stats/", views_lists.stats, name="stats"),
    path("outgoing/stats/aggregates/", views_lists.stats_aggregates, name="stats_aggregates"),
    path("organs/", views_organs.organ_list, name="organ_list"),
    path("organs/new/", views_organs.organ_edit, name="organ_create"),
    path("organs/<int:pk>/", views_organs.organ_detail, name="organ_detail"),
    path("organs/<int:pk>/edit/", views_organs.organ_edit, name="organ_edit"),
    path("organs/<int:pk>/signers/", views_organs.signer_add, name="signer_add"),
    path("organs/<int:pk>/signers/<int:authority_id>/remove/", views_organs.signer_remove,
         name="signer_remove"),
    path("outgoing/new/", views.create, name="create"),
    path("outgoing/new/body/", views.create_body, name="create_body"),
    path("outgoing/<int:pk>/", views.detail, name="detail"),
    path("outgoing/<int:pk>/edit/", views.edit, name="edit"),
    path("outgoing/<int:pk>/edit/body/", views.edit_body, name="edit_body"),
    path("outgoing/<int:pk>/submit/", views.submit, name="submit"),
    path("outgoing/<int:pk>/act/", views.act, name="act"),
    path("outgoing/<int:pk>/distribution/", views.distribution, name="distribution"),
    path("outgoing/<int:pk>/chase/", views.chase, name="chase"),
    path("outgoing/<int:pk>/void-number/", views.void_number, name="void_number"),
    path("outgoing/<int:pk>/reserve-number/", views.reserve_number, name="reserve_number"),
    path("outgoing/<int:pk>/issue/", views.issue, name="issue"),
    path("outgoing/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("outgoing/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("outgoing/<int:pk>/download/<str:fmt>/", views.download, name="download"),
    path("outgoing/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("outgoing/<int:pk>/attachments/<int:file_id>/", views.attachment_download,
         name="attachment_download"),
    # 变更密级 of a 发文 or 收文 (issue 11 §6): kind is "outgoing" or "incoming".
    path("classification/<str:kind>/<int:pk>/", reclassify.page, name="reclassify"),
    path("outgoing/<int:pk>/attachments/<int:file_id>/remove/", views.attachment_remove,
         name="attachment_remove"),
]
