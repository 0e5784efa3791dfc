"""Models of the levels app."""

from django.db import models  # noqa: F401
