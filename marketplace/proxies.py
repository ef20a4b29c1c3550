"""A loud warning when requests come through a proxy that the settings do not count.

Throttles and sign-in lockouts key on the client's address: with NUM_PROXIES = 0 it is
REMOTE_ADDR, which behind a TLS proxy is the proxy's for every client. Then one client's five
wrong passwords lock everyone out of that account, and one client's requests use up everyone's
throttle. A request with X-Forwarded-For while NUM_PROXIES is 0 is the sign of it: the
middleware logs a warning (at most every WARN_EVERY seconds per process) and leaves a mark in
the cache, which /health/ reports to every process's callers.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

WARN_EVERY = 600.0  # seconds
CACHE_KEY = "proxies:forwarded-without-num-proxies"
MESSAGE = (
    "requests arrive with X-Forwarded-For but NUM_PROXIES is 0: every client behind the proxy "
    "shares the proxy's address for throttles and sign-in lockouts. Set NUM_PROXIES to the "
    "number of proxies in front of Kiezmarkt (1 behind one TLS proxy)."
)


def num_proxies() -> int:
    return int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)


class ForwardedForWithoutProxiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.last_warned = float("-inf")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_X_FORWARDED_FOR" in request.META and num_proxies() == 0:
            now = time.monotonic()
            if now - self.last_warned >= WARN_EVERY:
                self.last_warned = now
                logger.warning(MESSAGE)
                try:
                    cache.set(CACHE_KEY, int(time.time()), timeout=24 * 3600)
                except Exception:  # a warning must never fail the request
                    logger.exception("could not record the proxy warning in the cache")
        return self.get_response(request)


def proxy_warnings() -> list[str]:
    """What /health/ reports: the warning above, if a request showed it in the last day and
    NUM_PROXIES is still 0."""
    if num_proxies() != 0:
        return []
    try:
        seen = cache.get(CACHE_KEY)
    except Exception:
        return []
    return [MESSAGE] if seen else []
