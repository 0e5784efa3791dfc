from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Registered so that Django finds the demo's management commands here, and to wire what a lower layer cannot
    import itself."""

    name = "config"
    verbose_name = "标杆评定"

    def ready(self):
        from applications.uploads import inspect_upload
        from portal import uploads

        # The uploads of the layers below applications (rubrics' assessments, the regions' Excel import) pass the
        # portal's one inspection.
        uploads.register(inspect_upload)
