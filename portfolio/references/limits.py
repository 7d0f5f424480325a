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

from portfolio.auth.throttle import attempt, client_address, configured_rule


def request_attempt(user_id: int) -> int:
    """Count an owner's new request; return the seconds to wait when over the limit."""
    return attempt([(configured_rule("THROTTLE_REFERENCE_REQUEST"), f"user:{user_id}")])


def answer_attempt(token_hash: str) -> int:
    """Count an answer to a link from this address; return the seconds to wait if over."""
    return attempt(
        [
            (configured_rule("THROTTLE_REFERENCE_ANSWER_LINK"), f"link:{token_hash}"),
            (configured_rule("THROTTLE_REFERENCE_ANSWER_ADDRESS"), client_address()),
        ]
    )
