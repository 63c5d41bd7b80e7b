# Production image: the project installed with its runtime dependencies, served by gunicorn.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango and fonts for WeasyPrint (the welcome pack as a PDF); the same packages as `make pdf-deps`.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY osez ./osez
COPY communes ./communes
COPY accompagnement ./accompagnement
COPY emploi_conjoint ./emploi_conjoint
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789 DJANGO_SETTINGS_MODULE=osez.settings.prod \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "osez.wsgi:application"]
