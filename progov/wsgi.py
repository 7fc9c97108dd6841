"""WSGI entry point used by `progov serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progov.settings")
application = get_wsgi_application()
