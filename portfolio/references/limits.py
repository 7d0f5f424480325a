"""Rate limits on references, on the login throttle's machinery (auth/throttle.py).

- ``THROTTLE_REFERENCE_REQUEST`` (20 a day): links one owner may create.
- ``THROTTLE_REFERENCE_ANSWER_LINK`` (10 an hour): answers sent to one link (a
  referee's mistakes count, so do repeats after it is answered).
- ``THROTTLE_REFERENCE_ANSWER_ADDRESS`` (30 an hour): answers sent from one client
  address, whatever the link.

Each counts every attempt, and answers with the seconds to wait (0: go ahead). If the
counter store fails, the attempt is let through and the failure logged.
"""

from __future__ import annotations

from flask import current_app, request

from portfolio.auth.throttle import Rule, Throttle, guarded


def _throttle() -> Throttle | None:
    if not current_app.config.get("THROTTLE_ENABLED", True):
        return None
    return current_app.extensions["throttle"]


def _rule(name: str) -> Rule:
    limit, window = current_app.config[name]
    return Rule(name, int(limit), int(window))


def _attempt(subjects: list[tuple[Rule, str]]) -> int:
    """Return the seconds to wait if any rule is over its limit; else count the attempt."""
    throttle = _throttle()
    if throttle is None:
        return 0

    def run() -> int:
        wait = max(throttle.retry_after(rule, subject) for rule, subject in subjects)
        if not wait:
            for rule, subject in subjects:
                throttle.hit(rule, subject)
        return wait

    return guarded(run) or 0


def request_attempt(user_id: int) -> int:
    """Count an owner's new request; return the seconds to wait when over the limit."""
    return _attempt([(_rule("THROTTLE_REFERENCE_REQUEST"), f"user:{user_id}")])


def answer_attempt(token_hash: str) -> int:
    """Count an answer to a link from this address; return the seconds to wait if over."""
    return _attempt(
        [
            (_rule("THROTTLE_REFERENCE_ANSWER_LINK"), f"link:{token_hash}"),
            (_rule("THROTTLE_REFERENCE_ANSWER_ADDRESS"), request.remote_addr or "unknown"),
        ]
    )
