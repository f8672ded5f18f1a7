"""The baseline: a bare Celery app on the same broker, a chain of no-op hops."""

from __future__ import annotations

import os
import time

import redis
from celery import Celery

BROKER = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = os.environ.get("RAW_QUEUE", "bench-raw")
app = Celery("raw", broker=BROKER)
app.conf.update(task_default_queue=QUEUE, task_ignore_result=True, worker_prefetch_multiplier=1,
                task_acks_late=True, task_serializer="json", accept_content=["json"])


@app.task(name="raw.hop")
def hop(index: int, last: int, key: str) -> None:
    if index == last:
        redis.Redis.from_url(BROKER).set(key, repr(time.time()))


_client = redis.Redis.from_url(BROKER)


@app.task(name="raw.tick")
def tick(key: str) -> None:
    """Throughput baseline: note the first and last time any tick ran, and count them."""
    now = repr(time.time())
    pipe = _client.pipeline(transaction=False)
    pipe.setnx(f"{key}:first", now).set(f"{key}:last", now).incr(key)
    pipe.execute()


@app.task(name="raw.nap")
def nap(seconds: float, key: str, tag: str) -> None:
    """Priority baseline: a task that takes a while, then notes its tag in finishing order."""
    time.sleep(seconds)
    _client.rpush(key, tag)


@app.task(name="raw.stamp")
def stamp(key: str) -> None:
    """Send → start baseline: the time the task began."""
    _client.set(key, repr(time.time()))
