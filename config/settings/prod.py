"""Production: secrets have no defaults, so a missing one stops start-up by name."""

from config.settings.envcheck import env, read_bool, read_list, read_str

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FERNET_KEYS", "ALLOWED_HOSTS"):
    read_str(required)

from config.settings.base import *  # noqa: E402,F403

DEBUG = False
MAILERS = mailers_from_env("django.core.mail.backends.smtp.EmailBackend")  # noqa: F405
FERNET_KEYS = read_list("FERNET_KEYS", [])
SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env.str("SECURE_HSTS_SECONDS", default="31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
