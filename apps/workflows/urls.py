"""Page routes of the workflows app."""

from django.urls import path

from apps.workflows import views

app_name = "workflows"

urlpatterns = [
    path("", views.workflow_list_page, name="workflow-list"),
]
