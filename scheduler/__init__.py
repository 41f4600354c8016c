"""APScheduler jobs: they decide *when*; the domain services decide *what* and *to whom*."""

from scheduler.jobs import Jobs, build_scheduler

__all__ = ["Jobs", "build_scheduler"]
