FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=1 python manage.py collectstatic --no-input -v0
RUN useradd --create-home pmo && mkdir -p /app/media && chown pmo /app/media
USER pmo
EXPOSE 8000
CMD ["gunicorn", "pmo.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
