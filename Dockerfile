# Production image: web (gunicorn), Celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The project directory shadows the copy pip installs, so BASE_DIR (templates, static) is /app.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HAKOBU_VAR_DIR=/app/var

WORKDIR /app
RUN useradd --create-home --uid 10001 hakobu

COPY . .
RUN pip install . \
    && mkdir -p var/media var/mail var/celery \
    # Throwaway values: collectstatic needs the production settings to import, not real secrets.
    && DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
       HAKOBU_SECRET_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXNlY3JldCE= \
       DJANGO_ALLOWED_HOSTS=collectstatic.invalid \
       SITE_URL=https://collectstatic.invalid \
       python manage.py collectstatic --noinput \
    && chown -R hakobu:hakobu var

USER hakobu
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
