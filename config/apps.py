from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Registered so that Django finds the demo's management commands here, and to wire what a lower layer cannot
    import itself."""

    name = "config"
    verbose_name = "标杆评定"

    def ready(self):
        from applications.uploads import inspect_upload
        from portal import uploads as portal_uploads
        from rubrics import uploads

        # The assessments' uploads (rubrics, below applications in the layers) and the regions' Excel import (portal,
        # the bottom layer) pass the portal's one inspection.
        uploads.register(inspect_upload)
        portal_uploads.register(inspect_upload)
