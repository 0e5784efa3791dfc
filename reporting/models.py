"""Models of the reporting app."""

from django.db import models  # noqa: F401
