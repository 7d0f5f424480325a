"""The API's rate limit: so many requests per token in a moving window.

`API_RATE_LIMIT` (300 requests per 60 seconds unless configured, as
`API_RATE_LIMIT=300/60`) counts every request a token authenticates, in the same
`limits` storage as the login throttle (auth/throttle.py): in memory per process, or in
Redis when `RATELIMIT_STORAGE_URL` names one, shared by every worker and node.

Every answer to a token says where it stands, in the header fields of the IETF draft
"RateLimit header fields for HTTP":

    RateLimit-Policy: "token";q=300;w=60     (quota q per window of w seconds)
    RateLimit: "token";r=297;t=41            (r requests remain; t seconds until more)

Past the quota the answer is 429, a problem document, with `Retry-After`. If the
storage fails the request goes through without the headers, and the error is logged:
as with the login throttle, an outage of the counters must not stop everyone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from limits.strategies import MovingWindowRateLimiter

from portfolio.auth.throttle import Rule, guarded

#: The policy's name in the RateLimit and RateLimit-Policy fields.
POLICY = "token"


@dataclass(frozen=True)
class Standing:
    """Where a token stands against its quota after this request."""

    allowed: bool
    limit: int
    window: int
    remaining: int
    reset: int  # seconds until the quota has room again

    def headers(self) -> dict[str, str]:
        """Return the RateLimit fields (and Retry-After once over the quota)."""
        headers = {
            "RateLimit-Policy": f'"{POLICY}";q={self.limit};w={self.window}',
            "RateLimit": f'"{POLICY}";r={self.remaining};t={self.reset}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset))
        return headers


def _rule() -> Rule:
    limit, window = current_app.config["API_RATE_LIMIT"]
    return Rule("API_RATE_LIMIT", int(limit), int(window))


def count_request(token_id: int) -> Standing | None:
    """Count a request by the token; return its standing (None: the storage failed)."""
    rule = _rule()
    limiter = MovingWindowRateLimiter(current_app.extensions["limits_storage"])
    clock = current_app.extensions["throttle"].clock

    def count() -> Standing:
        item = rule.item(namespace="api")
        allowed = limiter.hit(item, str(token_id))
        stats = limiter.get_window_stats(item, str(token_id))
        reset = max(0, math.ceil(stats.reset_time - clock()))
        return Standing(allowed, rule.limit, rule.window, max(0, stats.remaining), reset)

    return guarded(count)
