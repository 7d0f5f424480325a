"""API fixtures: tokens for Ada and Bob, and clients that send them."""

from __future__ import annotations

import pytest
from flask import Flask

from portfolio.auth.services import register_user
from tests.api.api_helpers import Api, make_token


@pytest.fixture
def token(app: Flask, user) -> str:
    """A live token for Ada (registered and logged in by the `user` fixture)."""
    return make_token(app, "ada@example.com")


@pytest.fixture
def api(app: Flask, token: str) -> Api:
    """Ada's API client."""
    return Api(app, token)


@pytest.fixture
def bob_api(app: Flask, api: Api) -> Api:
    """Bob's API client: a second account with its own token."""
    with app.app_context():
        register_user("bob@example.com", "Bob", "another horse battery")
    return Api(app, make_token(app, "bob@example.com"))
