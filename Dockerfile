FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango draws the PDF pack (WeasyPrint); the fonts are for its text.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=1 python manage.py collectstatic --no-input -v0
RUN useradd --create-home pmo && mkdir -p /app/media && chown pmo /app/media
USER pmo
EXPOSE 8000
# --timeout 120: the longest request is an import's preview or confirm, 59 s
# and 61 s for 5,000 rows on 2 cores (bench/import_register.py, SQLite);
# gunicorn's 30 s default killed them. A hung worker is still replaced
# within two minutes. Larger files need the import as background work.
CMD ["gunicorn", "pmo.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "120", "--access-logfile", "-"]
