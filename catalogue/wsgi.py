import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalogue.settings")

application = get_wsgi_application()

# The loaded code (~125,000 objects) lives as long as the process: kept out of the cyclic
# collector's reach, a full collection during a request walks what requests made, not all of it
# (about 60 ms → 5 ms; docs/performance.md). With gunicorn --preload it also spares the workers'
# copy-on-write pages.
gc.freeze()
