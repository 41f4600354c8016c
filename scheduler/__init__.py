"""APScheduler jobs: they decide *when*; the domain services decide *what* and *to whom*.
The delivery worker sends what they queue."""

from scheduler.delivery import DeliveryWorker
from scheduler.jobs import Jobs, build_scheduler

__all__ = ["DeliveryWorker", "Jobs", "build_scheduler"]
