"""The schedule's marks: for each scheduled task, the last slot enqueued.

One row per task, locked while the scheduler decides, so that two workers deciding at the same
moment enqueue a slot once: the second waits on the lock and then finds the slot taken. The runs
themselves are django-tasks-db's rows (DBTaskResult).
"""

from django.db import models


class ScheduleMark(models.Model):
    task = models.CharField(max_length=64, unique=True)
    # The last slot enqueued: a fetch's interval start (ISO datetime, UTC) or a closed business date.
    slot = models.CharField(max_length=32, blank=True, default="")
    enqueued_at = models.DateTimeField()
