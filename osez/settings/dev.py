"""Local development: the embedded default (SQLite, in-process tasks) unless the environment says otherwise."""

from .base import *  # noqa: F403
from .env import env

DEBUG = env.bool("DEBUG", default=True)
