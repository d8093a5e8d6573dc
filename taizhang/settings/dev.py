"""Development: `make run`. SQLite next to the code, console e-mail, debug on."""
from .base import *  # noqa: F401,F403

DEBUG = True
STATIC_ROOT = None  # static files come from the finders here; only prod collects them (silences whitenoise)
WHITENOISE_USE_FINDERS = True
