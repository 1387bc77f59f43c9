"""The one way to write a Celery task that works for one brand: `@brand_task(...)`.

Such a task takes the brand's id as its first argument (a task message carries ids, never model
instances) and its body receives the loaded Brand, running inside `brand_task_scope(brand)`: the
brand's django-scopes scope, language and time zone. When the brand was deleted meanwhile the
body is not run and the task returns `BRAND_GONE`.

Delivery is at least once: the message is acknowledged after the body ran (`acks_late`), so a
worker killed mid-task leaves it to be delivered again, and every body must be idempotent (a
claim or a lease, `brands.leases`). The errors a task declares `transient` are retried with
exponential backoff and full jitter, up to `max_retries` times; the body asks `self.retryable`
which errors it may still hand back, so that on the last attempt it records a failure instead.

    @brand_task(transient=(OSError,), max_retries=8, backoff=30, backoff_max=3600)
    def send_something(self, brand: Brand, thing_id: int) -> bool: ...

    transaction.on_commit(lambda: send_something.delay(brand.pk, thing.pk))
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task

from brands.scoping import brand_task_scope

logger = logging.getLogger(__name__)

__all__ = ["BRAND_GONE", "BrandTask", "brand_task"]

#: What a brand task returns, without running its body, when its brand no longer exists.
BRAND_GONE = "brand_gone"


class BrandTask(Task):
    """Base class of every `@brand_task`; use the decorator rather than `base=` directly."""

    acks_late = True
    autoretry_for: tuple[type[BaseException], ...] = ()
    retry_backoff: int | bool = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    @property
    def final_attempt(self) -> bool:
        """No retry is left: whatever fails now must be recorded as failed, not handed back."""
        return self.max_retries is not None and self.request.retries >= self.max_retries

    @property
    def retryable(self) -> tuple[type[BaseException], ...]:
        """The transient errors the body may still raise for a retry (none on the last attempt)."""
        return () if self.final_attempt else tuple(self.autoretry_for)


def _in_brand_scope(body: Callable[..., Any]) -> Callable[..., Any]:
    """The task's run(): the body, given the brand loaded from the first argument, in its scope."""

    @functools.wraps(body)
    def run(task: BrandTask, brand_id: int, *args: Any, **kwargs: Any) -> Any:
        from brands.models import Brand

        brand = Brand.objects.filter(pk=getattr(brand_id, "pk", brand_id)).first()
        if brand is None:
            logger.info("task %s skipped: brand %s no longer exists", task.name, brand_id)
            return BRAND_GONE
        with brand_task_scope(brand):
            return body(task, brand, *args, **kwargs)

    # Celery checks the arguments of delay()/apply_async() against this signature.
    run.__signature__ = inspect.signature(body)
    return run


def brand_task(
    *,
    transient: tuple[type[BaseException], ...],
    max_retries: int = 5,
    backoff: int = 5,
    backoff_max: int = 600,
    **options: Any,
) -> Callable[[Callable[..., Any]], BrandTask]:
    """Register `body(self, brand, *args)` as a shared task called as `task.delay(brand_id, *args)`.

    `transient`: the errors worth another try (a locked database, an SMTP hiccup); they are
    retried `max_retries` times, waiting a random time up to `backoff * 2**retries` seconds
    (at most `backoff_max`). Any other error fails the task at once. `options` go to Celery's
    `shared_task` (e.g. `name=`, `queue=`).
    """

    def register(body: Callable[..., Any]) -> BrandTask:
        return shared_task(
            base=BrandTask,
            bind=True,
            autoretry_for=tuple(transient),
            retry_backoff=backoff,
            retry_backoff_max=backoff_max,
            retry_jitter=True,
            max_retries=max_retries,
            acks_late=True,
            **options,
        )(_in_brand_scope(body))

    return register
