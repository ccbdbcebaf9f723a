"""Background tasks of the people app (django-tasks; ``manage.py db_worker`` runs them)."""

from django_tasks import task


@task()
def import_persons(import_id: int) -> int:
    """Validate and import one uploaded Excel file of persons; returns how many were created."""
    from .services.importing.runner import person_import_run

    job = person_import_run(import_id=import_id)
    return job.created_count if job is not None else 0
