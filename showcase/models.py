"""Models of the showcase app."""

from django.db import models  # noqa: F401
