"""The API's Idempotency-Key header: a POST sent again with its key gets the first answer.

How keys are claimed, kept and replayed is ``portfolio/idempotency.py``'s. Here: the
header's form (1 to ``rules.IDEMPOTENCY_KEY_MAX`` visible ASCII characters, else 422),
whose keys they are (the token the request came with: another token's keys are its
own), what makes two requests the same (method, path, query, media type and body: a key
sent with another request is 422), and which answers are kept: every answer below 500,
errors included, since a request that was refused wrote nothing and would be refused
again. A 5xx is not kept: what it wrote was rolled back, so the client may try again. A
replayed answer is the first one (status, body, Location, ETag, Content-Type) with
``Idempotent-Replayed: true``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy import select

from portfolio import idempotency
from portfolio.api.problems import (
    CONFLICT,
    ApiProblem,
    FieldError,
    from_api_problem,
    validation_problem,
)
from portfolio.extensions import db
from portfolio.models import ApiToken
from portfolio.schemas import rules
from portfolio.tokens.services import hash_token

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
#: The answer's headers a replay repeats (the others are added afresh to every answer).
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
_KEY = re.compile(rules.IDEMPOTENCY_KEY_PATTERN)


def _key_problem(message: str) -> ApiProblem:
    return validation_problem([FieldError("", message, field=HEADER)], message)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"),
                 request.mimetype):  # fmt: skip
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _token_scope() -> str:
    # authenticate() has checked the token: find which one it is.
    secret = request.headers.get("Authorization", "").strip().partition(" ")[2].strip()
    token_id = db.session.scalar(
        select(ApiToken.id).where(ApiToken.token_hash == hash_token(secret))
    )
    return idempotency.api_scope(token_id)


def _replay(answer: idempotency.Answer) -> Response:
    response = Response(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response.headers[name] = value
    response.headers[REPLAYED] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a repeat of the view's request (same Idempotency-Key) with the first answer."""

    @functools.wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if len(key) > rules.IDEMPOTENCY_KEY_MAX or not _KEY.fullmatch(key):
            raise _key_problem(rules.IDEMPOTENCY_KEY_FORMAT)
        user_id = g.api_user.id  # authenticate() found the token's owner
        scope, fingerprint = _token_scope(), _fingerprint()
        try:
            first = idempotency.claim(user_id, scope, key, fingerprint)
        except idempotency.KeyReused:
            raise _key_problem(rules.IDEMPOTENCY_KEY_REUSED) from None
        except idempotency.KeyInFlight:
            raise ApiProblem(409, rules.IDEMPOTENCY_KEY_IN_FLIGHT, type=CONFLICT) from None
        except idempotency.KeyUnfinished:
            raise ApiProblem(409, rules.IDEMPOTENCY_KEY_UNFINISHED, type=CONFLICT) from None
        if first is not None:
            return _replay(first)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except ApiProblem as problem:
            db.session.rollback()
            response = from_api_problem(problem)
        if response.status_code < 500:
            kept = {
                name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
            }
            first = idempotency.Answer(response.status_code, kept, response.get_data())
            idempotency.remember(user_id, scope, key, first, fingerprint)
        return response

    return answer
