from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    """好差评 (seed 001 四(三), 国办发〔2019〕51号): ratings of a service received, given from a window's QR code, and the
    handling of every unfavourable one."""

    name = "satisfaction"
    verbose_name = "满意度评价"
    default_auto_field = "django.db.models.BigAutoField"
