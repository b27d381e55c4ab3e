from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A classifiable model for the access tests: the project's own classifiable
    objects (documents …) arrive with later issues."""

    name = "tests.access.testapp"
    label = "access_testapp"
    default_auto_field = "django.db.models.BigAutoField"
