"""Page routes of the web app (the workflow list is the workflows app's)."""

from django.urls import path

from apps.web import alerts, approvals, triggers, views

app_name = "web"

urlpatterns = [
    path("workflows/new/", views.workflow_new, name="workflow-new"),
    path("workflows/<int:pk>/", views.workflow_editor, name="workflow"),
    path("workflows/<int:pk>/schedules/", triggers.schedule_add, name="schedule-add"),
    path("workflows/<int:pk>/schedules/<int:schedule_id>/", triggers.schedule_action,
         name="schedule-action"),
    path("workflows/<int:pk>/webhook/", triggers.webhook_action, name="webhook"),
    path("executions/", views.history, name="history"),
    path("executions/<uuid:pk>/", views.execution_monitor, name="execution"),
    path("executions/<uuid:pk>/rerun/", views.rerun, name="rerun"),
    path("executions/<uuid:pk>/logs/", views.execution_logs, name="logs"),
    path("executions/<uuid:pk>/performance/", views.execution_performance,
         name="performance"),
    path("executions/<uuid:pk>/steps/<str:step_id>/", views.step_debug, name="step"),
    path("settings/", views.runtime_settings, name="settings"),
    path("settings/alerts/", alerts.alert_action, name="alerts"),
    path("approvals/", approvals.approvals_page, name="approvals"),
]
