from django.urls import path

from progov.decisions import views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_log, name="log"),
    path("decisions/rules/", views.rules_page, name="rules"),
    path("decisions/rules/edit/", views.edit_rules, name="edit_rules"),
    path("decisions/rules/delegation/", views.edit_delegation, name="edit_delegation"),
    path("decisions/record/<str:acronym>/", views.record_decision, name="record"),
    path("decisions/<str:ref>/", views.decision_detail, name="decision"),
    path("decisions/<str:ref>/appeal/", views.lodge_appeal, name="lodge_appeal"),
    path("decisions/<str:ref>/publish/", views.publish_decision, name="publish"),
    path(
        "decisions/<str:ref>/conditions/<int:condition_id>/",
        views.condition_status,
        name="condition",
    ),
    path("escalations/", views.escalation_list, name="escalations"),
    path("escalations/raise/<str:acronym>/", views.raise_escalation, name="raise_escalation"),
    path("escalations/<str:ref>/", views.escalation_detail, name="escalation"),
    path("escalations/<str:ref>/escalate/", views.escalate_further, name="escalate_further"),
    path("escalations/<str:ref>/answer/", views.answer_escalation, name="answer_escalation"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<str:ref>/decide/", views.decide_appeal, name="decide_appeal"),
]
