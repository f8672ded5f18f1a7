# One image for web, worker and Flower (docker-compose.yml picks the command).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.prod
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 app \
    && mkdir -p /var/lib/runtime-engine && chown app /var/lib/runtime-engine
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -e .
COPY . .
RUN SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.db REDIS_URL=redis://redis:6379/0 \
    FERNET_KEYS=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa= ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
USER app
