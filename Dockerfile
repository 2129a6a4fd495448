FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango draws the PDF pack (WeasyPrint); the fonts are for its text.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# With DEBUG off, as the app runs, so the hashed names' manifest is written
# (with DEBUG on it is not, and every page failed on its first static URL).
# The key only satisfies the settings for this one command.
RUN SECRET_KEY=collectstatic-only-not-used-at-run-time-0123456789abcdef DEBUG=0 \
    python manage.py collectstatic --no-input -v0
RUN useradd --create-home pmo && mkdir -p /app/media && chown pmo /app/media
USER pmo
EXPOSE 8000
# --timeout 120: imports are background work (portfolio/import_runs.py), so
# a 5,000-row upload's longest request is under a second with the worker
# running (bench/import_through_gunicorn.py). Without a broker the check and
# the import run inside the request, 59 s and 61 s for 5,000 rows on 2 cores
# (bench/import_register.py), which gunicorn's 30 s default would kill. A hung
# worker is still replaced within two minutes.
CMD ["gunicorn", "pmo.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120", "--access-logfile", "-"]
