from django.urls import path

from progov.actions import views

app_name = "actions"

urlpatterns = [
    path("actions/", views.action_log, name="log"),
    path("actions/mine/", views.my_actions, name="mine"),
    path("actions/export/", views.export_log, name="export"),
    path("actions/import/", views.import_log, name="import"),
    path("actions/import/<str:job>/progress/", views.import_progress, name="import_progress"),
    path("actions/raise/<str:acronym>/", views.raise_action, name="new"),
    path("actions/<str:ref>/", views.action_detail, name="action"),
    path("actions/<str:ref>/edit/", views.edit_action, name="edit"),
    path("actions/<str:ref>/update/", views.post_update, name="update"),
    path("actions/<str:ref>/closure/", views.confirm_closure, name="closure"),
    path("actions/<str:ref>/keep-open/", views.keep_open, name="keep_open"),
    path("actions/<str:ref>/cancel/", views.cancel_action, name="cancel"),
]
