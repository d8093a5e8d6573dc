"""Development: `make run`. SQLite next to the code, console e-mail, debug on."""
from .base import *  # noqa: F401,F403

DEBUG = True
