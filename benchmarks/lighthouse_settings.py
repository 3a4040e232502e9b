"""The production settings, with collectstatic's folder chosen by benchmarks/lighthouse.py.

Everything else (DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, MAP_TILES_URL, …) comes from the
environment exactly as in production, so Lighthouse scores what a deployment serves:
WhiteNoise's compressed, hashed static files included.
"""

import os
from pathlib import Path

from catalogue.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["LIGHTHOUSE_STATIC_ROOT"])
