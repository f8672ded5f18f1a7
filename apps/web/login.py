"""The login page, with failed attempts throttled per address and per account (429 with
Retry-After past the limit: apps/common/throttle.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from apps.common import throttle


class LoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        wait = throttle.sign_in_wait(request, username)
        if wait:  # refused before the password is even checked
            form = self.get_form_class()(request=self.request)
            response = self.render_to_response(
                self.get_context_data(form=form, throttled_for=wait), status=429)
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form was shown again: wrong credentials
            throttle.sign_in_failed(request, username)
        return response
