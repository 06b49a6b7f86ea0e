# Production image: the web app (gunicorn), the Celery worker and beat share it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY scripts ./scripts
COPY static/src ./static/src
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 yos
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/dist ./static/dist
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input \
 && mkdir -p /data/private && chown yos /data/private
USER yos
ENV PRIVATE_STORAGE_ROOT=/data/private
EXPOSE 8000
CMD ["gunicorn", "yos.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--timeout", "60"]
