import os

from django.core.wsgi import get_wsgi_application

from .runtime import settle_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
application = get_wsgi_application()
settle_garbage_collector()
