"""Login and registration throttling: per account, per address, in memory and in Redis.

The counters are the `limits` library's moving windows; its storages read the time
themselves, so the unit tests below move a fake clock for them too (`clock` fixture).
"""

from __future__ import annotations

import re
import socket

import limits.storage.memory
import limits.storage.redis
import pytest
from limits.storage import MemoryStorage, RedisStorage

from portfolio import create_app
from portfolio.auth import throttle
from portfolio.auth.throttle import Rule, Throttle
from portfolio.config import parse_rule
from portfolio.extensions import db

PASSWORD = "correct horse battery"
TOO_MANY = "Too many attempts. Try again in"


class FakeClock:
    """A clock the test moves by hand: windows pass without sleeping."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def time(self) -> float:
        """Stand in for the time module's time(), as the `limits` storages call it."""
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """A fake clock that the `limits` storages read as well as the throttle."""
    fake = FakeClock()
    for module in (limits.storage.memory, limits.storage.redis):
        monkeypatch.setattr(module, "time", fake)
    return fake


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["memory", "redis"])
def store(request):
    """Yield each storage in turn, empty."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    url = request.getfixturevalue("redis_url")
    store = RedisStorage(url, key_prefix=f"test:{request.node.name}")
    store.storage.flushdb()
    yield store
    store.storage.close()


@pytest.fixture
def make_app(database_url):
    """Return a factory of apps on the test database; closes their connections after."""
    apps = []

    def make():
        config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url}
        apps.append(create_app(config))
        return apps[-1]

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        store = app.extensions["throttle"].storage
        if isinstance(store, RedisStorage):
            store.storage.close()


RULE = Rule("login", limit=3, window=600)


def test_allows_up_to_the_limit_then_waits_for_the_oldest_event(store, clock):
    throttle = Throttle(store, clock)
    for _ in range(2):
        throttle.hit(RULE, "ada")
        clock.now += 60
    assert throttle.retry_after(RULE, "ada") == 0
    throttle.hit(RULE, "ada")
    # Three events at t, t+60, t+120; the first leaves the window at t+600.
    assert throttle.retry_after(RULE, "ada") == 600 - 120
    clock.now += 600 - 120
    assert throttle.retry_after(RULE, "ada") == 0


def test_subjects_are_counted_apart(store, clock):
    throttle = Throttle(store, clock)
    for _ in range(3):
        throttle.hit(RULE, "ada")
    assert throttle.retry_after(RULE, "ada") > 0
    assert throttle.retry_after(RULE, "grace") == 0
    assert throttle.retry_after(Rule("other", 3, 600), "ada") == 0


def test_clear_forgets_a_subject(store, clock):
    throttle = Throttle(store, clock)
    for _ in range(3):
        throttle.hit(RULE, "ada")
    throttle.clear(RULE, "ada")
    assert throttle.retry_after(RULE, "ada") == 0


def test_memory_store_counts_every_hit_from_many_threads(clock):
    import threading

    store = MemoryStorage()
    throttle = Throttle(store, clock)
    rule = Rule("many", limit=10_000, window=600)

    def hammer():
        for _ in range(500):
            throttle.hit(rule, "ada")

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert throttle.events(rule, "ada") == 4000


def test_rule_from_environment_format():
    assert parse_rule("5/900") == (5, 900)


def test_message_counts_whole_minutes():
    assert throttle.too_many_message(61) == "Too many attempts. Try again in 2 minutes."
    assert throttle.too_many_message(5) == "Too many attempts. Try again in 1 minute."


# Through the pages. ------------------------------------------------------------------


class Browserless:
    """Post forms with their CSRF token, for apps made inside a test."""

    def __init__(self, client) -> None:
        self.client = client

    def post(self, path: str, data: dict, **kwargs):
        page = self.client.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, "no CSRF token in the page"
        return self.client.post(path, data={**data, "csrf_token": token.group(1)}, **kwargs)

    def register(self):
        return self.post("/auth/register", {
            "email": "ada@example.com", "display_name": "Ada",
            "password": PASSWORD, "confirm": PASSWORD,
        })  # fmt: skip


def _fail_login(auth, email="ada@example.com", **kwargs):
    return auth.post("/auth/login", {"email": email, "password": "wrong password!!"}, **kwargs)


def test_sixth_failed_login_for_an_account_is_429_with_message(user):
    user.logout()
    for _ in range(5):
        assert _fail_login(user).status_code == 422
    response = _fail_login(user)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many attempts. Try again in 15 minutes." in response.get_data(as_text=True)
    # Even the right password waits: otherwise guessing could go on.
    assert user.login().status_code == 429


def test_successful_login_clears_the_account_counter(user):
    user.logout()
    for _ in range(4):
        _fail_login(user)
    assert user.login().status_code == 302
    user.logout()
    for _ in range(4):
        assert _fail_login(user).status_code == 422
    assert user.login().status_code == 302


def _from(address: str) -> dict:
    return {"environ_overrides": {"REMOTE_ADDR": address}}


def test_stranger_failing_on_purpose_does_not_lock_out_the_owner_elsewhere(user):
    user.logout()
    attacker, owner = _from("203.0.113.9"), _from("198.51.100.7")
    for _ in range(5):
        assert _fail_login(user, **attacker).status_code == 422
    assert _fail_login(user, **attacker).status_code == 429
    right = {"email": "ada@example.com", "password": PASSWORD}
    assert user.post("/auth/login", right, **attacker).status_code == 429
    assert user.post("/auth/login", right, **owner).status_code == 302


def test_failures_for_one_email_from_many_addresses_trip_the_email_guard(app, user):
    app.config["THROTTLE_LOGIN_EMAIL"] = (6, 900)
    user.logout()
    for n in range(6):
        assert _fail_login(user, **_from(f"203.0.113.{n}")).status_code == 422
    response = _fail_login(user, **_from("203.0.113.99"))
    assert response.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in response.get_data(as_text=True)


def test_email_guard_is_fifty_failures_by_default(app):
    assert app.config["THROTTLE_LOGIN_EMAIL"] == (50, 900)
    assert app.config["THROTTLE_REGISTER_ACCOUNT"] == (5, 3600)


def test_sixth_registration_for_one_email_is_429_from_any_address(auth):
    form = {"email": "ada@example.com", "display_name": "Ada",
            "password": PASSWORD, "confirm": PASSWORD}  # fmt: skip
    assert auth.post("/auth/register", form, **_from("203.0.113.1")).status_code == 302
    auth.logout()
    for n in range(2, 6):
        response = auth.post("/auth/register", form, **_from(f"203.0.113.{n}"))
        assert response.status_code == 422
    response = auth.post("/auth/register", form, **_from("203.0.113.6"))
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    other = {**form, "email": "grace@example.com"}
    assert auth.post("/auth/register", other, **_from("203.0.113.6")).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(app, auth):
    app.config["THROTTLE_LOGIN_ADDRESS"] = (4, 900)
    for n in range(4):
        assert _fail_login(auth, email=f"user{n}@example.com").status_code == 422
    response = _fail_login(auth, email="someone-new@example.com")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    other = {"environ_base": {"REMOTE_ADDR": "198.51.100.7"}}
    assert _fail_login(auth, email="someone-new@example.com", **other).status_code == 422


def test_eleventh_registration_from_an_address_is_429(auth):
    for n in range(10):
        assert auth.register(email=f"user{n}@example.com").status_code == 302
        auth.logout()
    response = auth.register(email="one-more@example.com")
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)


def test_throttle_can_be_turned_off(app, user):
    app.config["THROTTLE_ENABLED"] = False
    user.logout()
    for _ in range(8):
        assert _fail_login(user).status_code == 422


def test_limits_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("THROTTLE_LOGIN_ACCOUNT", "2/60")
    app = make_app()
    assert app.config["THROTTLE_LOGIN_ACCOUNT"] == (2, 60)


def test_redis_store_is_shared_between_app_processes(redis_url, make_app, monkeypatch):
    """Two apps (as two gunicorn workers would be) see the same counters through Redis."""
    monkeypatch.setenv("RATELIMIT_STORAGE_URL", redis_url)
    first, second = make_app(), make_app()
    assert isinstance(first.extensions["throttle"].storage, RedisStorage)
    first.extensions["throttle"].storage.storage.flushdb()
    for _ in range(3):
        assert _fail_login(Browserless(first.test_client())).status_code == 422
    for _ in range(2):
        assert _fail_login(Browserless(second.test_client())).status_code == 422
    assert _fail_login(Browserless(second.test_client())).status_code == 429


def test_unreachable_redis_lets_logins_through(make_app, monkeypatch):
    monkeypatch.setenv("RATELIMIT_STORAGE_URL", f"redis://127.0.0.1:{_free_port()}/0")
    auth = Browserless(make_app().test_client())
    assert auth.register().status_code == 302
