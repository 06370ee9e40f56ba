"""The WSGI application waitress serves."""

import os

from django.core.wsgi import get_wsgi_application

from pipeline.web import SETTINGS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
application = get_wsgi_application()
