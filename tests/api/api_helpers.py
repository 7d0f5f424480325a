"""Helpers for the API tests: tokens, a client that sends one, a project maker."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portfolio.extensions import db
from portfolio.models import User
from portfolio.tokens.services import create_token


def make_token(app: Flask, email: str, name: str = "tests", scope: str = "write", **more) -> str:
    """Create a token (read and write, unless told) for the account; return its secret."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == email))
        assert owner is not None, f"no account {email}"
        _, secret = create_token(owner, name, scope, **more)
        return secret


class Api:
    """A test client that authenticates every request with a bearer token."""

    def __init__(self, app: Flask, token: str | None) -> None:
        # A fresh client: no session cookie, so only the token can authenticate.
        self.client = app.test_client()
        self.token = token

    def open(self, method: str, path: str, **kwargs: Any):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.open("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.open("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.open("DELETE", path, **kwargs)


def new_project(api: Api, **fields: Any) -> dict[str, Any]:
    """Create a project through the API and return it."""
    body = {"title": "Booking API", "kind": "personal", "start": "2025-01"}
    body.update(fields)
    response = api.post("/api/v1/projects", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
