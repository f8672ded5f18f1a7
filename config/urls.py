"""Root URLs: include() of each app's routes; nothing else."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.api.views.metrics import metrics_view
from apps.api.views.triggers import hook_delivery
from apps.web.login import LoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
    path("hooks/<uuid:hook_id>/", hook_delivery, name="hook"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus' default path
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("apps.web.workflows")),
    path("", include("apps.web.urls")),
]

handler404 = "apps.api.errors.handler404"
handler500 = "apps.api.errors.handler500"
