"""HTTP Basic for the token endpoint (an integration swaps a password for a token once),
with failed passwords throttled like the login page's: 429 with Retry-After past the limit,
so the endpoint cannot be used to guess passwords."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.request import Request

from apps.common import throttle


class TokenCreationThrottle(throttling.ScopedRateThrottle):
    """Tokens created per user (or address), at the rate of THROTTLE_RATES["tokens"]; the
    cache being down lets the request through."""

    scope_attr = "throttle_scope"

    def allow_request(self, request: Request, view: Any) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        try:
            return super().allow_request(request, view)
        except Exception:
            return True


class ThrottledBasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(self, userid: str, password: str,
                                 request: Request | None = None) -> Any:
        if request is None:  # DRF always passes it; without it nothing can be counted
            return super().authenticate_credentials(userid, password, request)
        wait = throttle.sign_in_wait(request._request, userid)
        if wait:
            raise exceptions.Throttled(wait=wait, detail=f"Too many failed sign-ins: try "
                                                         f"again in {wait} s.")
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            throttle.sign_in_failed(request._request, userid)
            raise


class ThrottledBasicScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of the throttled Basic: HTTP Basic, as before."""

    target_class = ThrottledBasicAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "basic"}
