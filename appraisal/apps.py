from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    """年度考核 (seed 003 三(四)4): the platforms' staff graded yearly on 德、勤、绩、效, with the complaints' rule."""

    name = "appraisal"
    verbose_name = "工作人员考核"
    default_auto_field = "django.db.models.BigAutoField"
