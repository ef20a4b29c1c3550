"""The cache backend: django-redis that keeps answering while Redis is away.

Throttles (DRF's, and the sign-up page's) and the proxy warning live in the cache. With plain
django-redis every cache call raises while Redis is down, and every request that throttles
answers 500: nobody could sign in or sign up. This backend degrades instead: when a call
cannot reach Redis it logs a warning (at most every WARN_EVERY seconds per process) and, for
CACHE_RETRY_SECONDS, serves every call from this process's memory without trying Redis again,
so throttles keep counting per process (a reduced form) and a request does not wait on Redis
timeouts. After that the next call tries Redis again. Sign-in lockouts (django-axes) and
sessions are in the database and do not depend on the cache.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

WARN_EVERY = 60.0  # seconds
# What a Redis that is down, restarting or unreachable raises (refused, reset, timed out).
REDIS_UNREACHABLE = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)


def _degrades(method):
    """Run the django-redis method, or the same method on the in-memory stand-in while Redis
    is unreachable."""
    name = method.__name__

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() >= self._unreachable_until:
            try:
                return method(self, *args, **kwargs)
            except REDIS_UNREACHABLE as error:
                self._unreachable(error)
        return getattr(self._stand_in, name)(*args, **kwargs)

    return wrapper


class DegradingRedisCache(RedisCache):
    """django-redis's RedisCache, falling back to process memory while Redis is unreachable.

    OPTIONS beyond django-redis's: RETRY_SECONDS (how long to stay in memory after a failure).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._retry_seconds = float(options.pop("RETRY_SECONDS", 5.0))
        # Errors must reach the wrapper above, not be swallowed and logged per call.
        options["IGNORE_EXCEPTIONS"] = False
        super().__init__(server, {**params, "OPTIONS": options})
        self._stand_in = LocMemCache(
            f"degraded-{id(self)}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
            },
        )
        self._unreachable_until = float("-inf")
        self._last_warning = float("-inf")
        self._lock = threading.Lock()

    def _unreachable(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._unreachable_until = now + self._retry_seconds
            warn = now - self._last_warning >= WARN_EVERY
            if warn:
                self._last_warning = now
        if warn:
            logger.warning(
                "Redis cache unreachable (%s: %s): throttles count in this process's memory "
                "for now; Redis is tried again every %.0f s",
                type(error).__name__,
                error.__cause__ or error,
                self._retry_seconds,
            )

    @property
    def degraded(self) -> bool:
        """True while calls go to process memory instead of Redis."""
        return time.monotonic() < self._unreachable_until

    get = _degrades(RedisCache.get)
    get_many = _degrades(RedisCache.get_many)
    set = _degrades(RedisCache.set)
    set_many = _degrades(RedisCache.set_many)
    add = _degrades(RedisCache.add)
    delete = _degrades(RedisCache.delete)
    delete_many = _degrades(RedisCache.delete_many)
    has_key = _degrades(RedisCache.has_key)
    incr = _degrades(RedisCache.incr)
    decr = _degrades(RedisCache.decr)
    touch = _degrades(RedisCache.touch)
    clear = _degrades(RedisCache.clear)
