"""Ship&co background work: the CSV export tasks (the sync runs on integrations.tasks)."""

# Registers the CSV export tasks with Celery's autodiscovery (it only imports tasks.py).
from integrations.shipandco import export_tasks  # noqa: F401
