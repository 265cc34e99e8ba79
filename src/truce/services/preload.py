"""Imported once by the parser pool's fork server (`truce.services.workers`): the pipeline, the
readers and the shipped scenario's look-ups, loaded before any worker forks from it, so that
every worker starts with them in memory instead of spending seconds loading its own."""

from __future__ import annotations

from truce.services import workers

workers.warm()
