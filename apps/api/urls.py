"""/api/v1/: every resource of docs/api.md, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from apps.api.views import (
    access,
    alerts,
    audit,
    executions,
    health,
    runtime,
    triggers,
    workflows,
)
from apps.api.views.events import execution_events

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("workflows", workflows.WorkflowViewSet, basename="workflow")
router.register("executions", executions.ExecutionViewSet, basename="execution")
router.register("env-vars", runtime.EnvVarViewSet, basename="env-var")
router.register("connections", runtime.ConnectionViewSet, basename="connection")
router.register("tokens", access.TokenViewSet, basename="token")
router.register("files", access.InputFileViewSet, basename="file")
router.register("alert-rules", alerts.AlertRuleViewSet, basename="alert-rule")

presets = workflows.PresetViewSet
schedules = triggers.ScheduleViewSet
steps = executions.StepViewSet

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("workflow-schema/", workflows.WorkflowSchemaView.as_view(), name="workflow-schema"),
    path("settings/", runtime.SettingsView.as_view(), name="settings"),
    path("health/", health.HealthView.as_view(), name="health"),
    path("error-patterns/", executions.ErrorPatternView.as_view(), name="error-patterns"),
    path("audit/", audit.AuditListView.as_view(), name="audit"),
    path("workflows/<int:workflow_pk>/presets/",
         presets.as_view({"get": "list", "post": "create"}), name="preset-list"),
    path("workflows/<int:workflow_pk>/presets/<int:pk>/",
         presets.as_view({"delete": "destroy"}), name="preset-detail"),
    path("workflows/<int:workflow_pk>/schedules/",
         schedules.as_view({"get": "list", "post": "create"}), name="schedule-list"),
    path("workflows/<int:workflow_pk>/schedules/<int:pk>/",
         schedules.as_view({"get": "retrieve", "patch": "partial_update",
                            "delete": "destroy"}), name="schedule-detail"),
    path("workflows/<int:workflow_pk>/schedules/<int:pk>/pause/",
         schedules.as_view({"post": "pause"}), name="schedule-pause"),
    path("workflows/<int:workflow_pk>/schedules/<int:pk>/resume/",
         schedules.as_view({"post": "resume"}), name="schedule-resume"),
    path("workflows/<int:workflow_pk>/webhook/", triggers.WebhookView.as_view(),
         name="webhook"),
    path("executions/<uuid:execution_pk>/steps/", steps.as_view({"get": "list"}),
         name="step-list"),
    path("executions/<uuid:execution_pk>/steps/<str:step_id>/",
         steps.as_view({"get": "retrieve"}), name="step-detail"),
    path("executions/<uuid:execution_pk>/steps/<str:step_id>/retry/",
         steps.as_view({"post": "retry"}), name="step-retry"),
    path("executions/<uuid:execution_pk>/steps/<str:step_id>/skip/",
         steps.as_view({"post": "skip"}), name="step-skip"),
    path("executions/<uuid:execution_pk>/steps/<str:step_id>/approve/",
         steps.as_view({"post": "approve"}), name="step-approve"),
    path("executions/<uuid:execution_pk>/steps/<str:step_id>/reject/",
         steps.as_view({"post": "reject"}), name="step-reject"),
    path("approvals/", executions.ApprovalListView.as_view(), name="approvals"),
    path("executions/<uuid:pk>/logs/", executions.LogViewSet.as_view({"get": "list"}),
         name="execution-logs"),
    path("executions/<uuid:pk>/events/", execution_events, name="execution-events"),
    path("", include(router.urls)),
]
