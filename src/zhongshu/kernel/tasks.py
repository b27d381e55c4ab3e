"""Background work with no business rules."""

from django_tasks import task


@task()
def echo(message: str) -> str:
    """Proves a worker is running: operators enqueue it and watch it finish."""
    return message
