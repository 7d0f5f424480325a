"""The API's rate limit: per token, in a moving window, told in RateLimit header fields."""

from __future__ import annotations

import re

from limits.storage import RedisStorage

from portfolio import create_app
from portfolio.extensions import db
from tests.api.api_helpers import Api, make_token

POLICY = re.compile(r'^"token";q=(\d+);w=(\d+)$')
STANDING = re.compile(r'^"token";r=(\d+);t=(\d+)$')


def _standing(response) -> tuple[int, int]:
    match = STANDING.match(response.headers["RateLimit"])
    assert match, response.headers["RateLimit"]
    return int(match.group(1)), int(match.group(2))


def test_every_answer_says_where_the_token_stands(app, api):
    response = api.get("/api/v1/projects")
    assert response.status_code == 200
    assert POLICY.match(response.headers["RateLimit-Policy"]).groups() == ("300", "60")
    remaining, reset = _standing(response)
    assert remaining == 299 and 0 < reset <= 60
    assert _standing(api.get("/api/v1/projects"))[0] == 298
    # Errors count and say so too.
    assert _standing(api.get("/api/v1/projects/999999"))[0] == 297


def test_past_the_limit_the_answer_is_429_with_retry_after(app, api):
    app.config["API_RATE_LIMIT"] = (3, 60)
    for _ in range(3):
        assert api.get("/api/v1/projects").status_code == 200
    response = api.get("/api/v1/projects")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith("#problem-rate-limited")
    assert "made 3 requests in 60 seconds" in body["detail"]
    remaining, reset = _standing(response)
    assert remaining == 0
    # Retry-After says what the RateLimit field's reset says, and is never "now".
    assert int(response.headers["Retry-After"]) == max(1, reset)
    assert reset <= 60
    assert response.headers["RateLimit-Policy"] == '"token";q=3;w=60'
    # A write is refused before it happens.
    refused = api.post("/api/v1/projects", json={"title": "x", "kind": "paid", "start": "2025-01"})
    assert refused.status_code == 429
    assert api.get("/api/v1/projects?limit=1").status_code == 429


def test_each_token_has_its_own_quota(app, api):
    app.config["API_RATE_LIMIT"] = (2, 60)
    other = Api(app, make_token(app, "ada@example.com", name="other"))
    for _ in range(2):
        api.get("/api/v1/projects")
    assert api.get("/api/v1/projects").status_code == 429
    assert other.get("/api/v1/projects").status_code == 200


def test_requests_without_a_valid_token_are_not_counted_against_one(app, api, token):
    app.config["API_RATE_LIMIT"] = (2, 60)
    for _ in range(5):
        assert Api(app, "pt_wrong").get("/api/v1/projects").status_code == 401
    assert "RateLimit" not in Api(app, "pt_wrong").get("/api/v1/projects").headers
    assert api.get("/api/v1/projects").status_code == 200


def test_the_document_and_its_page_are_not_limited(app):
    anyone = app.test_client()
    response = anyone.get("/api/v1/openapi.json")
    assert response.status_code == 200 and "RateLimit" not in response.headers


def test_the_limit_comes_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("API_RATE_LIMIT", "100/10")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["API_RATE_LIMIT"] == (100, 10)
    with app.app_context():
        db.engine.dispose()


def _redis_app(database_url: str, redis_url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_STORAGE_URL": redis_url,
            "API_RATE_LIMIT": (4, 60),
        }
    )


def test_the_quota_is_shared_through_redis(app, token, database_url, redis_url):
    """Two apps (as two gunicorn workers or nodes would be) count one token together."""
    first, second = _redis_app(database_url, redis_url), _redis_app(database_url, redis_url)
    storage = first.extensions["limits_storage"]
    assert isinstance(storage, RedisStorage)
    storage.storage.flushdb()
    try:
        for _ in range(2):
            assert Api(first, token).get("/api/v1/projects").status_code == 200
        for _ in range(2):
            assert Api(second, token).get("/api/v1/projects").status_code == 200
        assert Api(first, token).get("/api/v1/projects").status_code == 429
        assert Api(second, token).get("/api/v1/projects").status_code == 429
    finally:
        for made in (first, second):
            made.extensions["limits_storage"].storage.close()
            with made.app_context():
                db.engine.dispose()


def test_an_unreachable_redis_lets_requests_through(app, token, database_url):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = _redis_app(database_url, f"redis://127.0.0.1:{port}/0")
    try:
        response = Api(down, token).get("/api/v1/projects")
        assert response.status_code == 200
        assert "RateLimit" not in response.headers
    finally:
        with down.app_context():
            db.engine.dispose()


def test_the_document_describes_the_limit(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "300 requests per 60 seconds" in document["info"]["description"]
    headers = document["components"]["headers"]
    assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= set(headers)
    too_many = document["components"]["responses"]["TooManyRequests"]
    assert set(too_many["headers"]) == {"Retry-After", "RateLimit", "RateLimit-Policy"}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            answers = operation["responses"]
            assert answers["429"] == {"$ref": "#/components/responses/TooManyRequests"}, path
            ok = next(answer for status, answer in answers.items() if status.startswith("2"))
            assert {"RateLimit", "RateLimit-Policy"} <= set(ok["headers"]), (method, path)


def test_the_document_says_which_operations_need_the_write_scope(app):
    from portfolio.api.views import WRITE_ENDPOINTS

    document = app.test_client().get("/api/v1/openapi.json").get_json()
    writes = {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method != "parameters" and "403" in operation["responses"]
    }
    assert len(writes) == len(WRITE_ENDPOINTS) == 7
    assert ("/api/v1/projects", "post") in writes
    assert ("/api/v1/readiness/rank", "post") not in writes
    for path, method in writes:
        operation = document["paths"][path][method]
        assert operation["description"].endswith("Needs a token with the write scope.")
