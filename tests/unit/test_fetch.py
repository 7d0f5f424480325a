"""Fetching a repository over HTTPS: history by email from a local server; unsafe URLs refused.

Every test sends traffic to loopback only: ``connections`` records every socket connect
and fails any that is not to a loopback address, and private addresses are reached only
through a stub resolver whose answers are never connected to.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from portfolio.codescan.fetch import (
    MAX_REDIRECTS,
    check_repository_url,
    fetch_repository,
    is_public_address,
)
from portfolio.codescan.history import HistoryLimits, RepositoryRefused, analyse_bundle
from tests.git_helpers import (
    SAMPLE,
    CommitSpec,
    https_git_server,
    make_bundle,
    make_repo,
    sample_repo,
    temp_folder_left_empty,  # noqa: F401 - an autouse fixture
)

ADA = ["ada@example.com"]
LOCAL = ("localhost",)
PRIVATE = ["10.0.0.5", "192.168.1.2", "169.254.169.254", "::1", "fd00::1"]
SPECIAL = [
    "127.0.0.1",
    "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "100.64.0.1",  # shared address space (CGNAT)
    "172.16.0.1",
    "224.0.0.1",  # multicast
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::",
    "fe80::1",
    "ff02::1",
    "::ffff:10.0.0.5",  # IPv4-mapped
    "::ffff:127.0.0.1",
    "2002:a00:5::1",  # 6to4 of 10.0.0.5
    "2001:0:4136:e378:8000:63bf:f5ff:fffa",  # Teredo of a private client
    "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
]


@pytest.fixture(autouse=True)
def connections(monkeypatch) -> Iterator[list[str]]:
    """Record the address of every outgoing connection; fail any that is not loopback."""
    made: list[str] = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            made.append(address[0])
            assert ipaddress.ip_address(address[0]).is_loopback, f"traffic to {address[0]}"
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield made
    # Checked again here: the code under test may have caught the assertion above.
    assert all(ipaddress.ip_address(ip).is_loopback for ip in made), made


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return sample_repo(tmp_path_factory.mktemp("fetch") / "repo")


@pytest.fixture(scope="module")
def server(sample) -> Iterator[tuple[str, str]]:
    with https_git_server(sample) as (url, ca_path):
        yield url, ca_path


def stub(mapping: dict[str, list[str]]) -> Callable[[str], list[str]]:
    """Return a resolver that answers from ``mapping`` and never asks the network."""

    def resolve(host: str) -> list[str]:
        if host not in mapping:
            raise socket.gaierror(socket.EAI_NONAME, "not in the stub")
        return mapping[host]

    return resolve


def refused(url: str, **kwargs) -> str:
    with pytest.raises(RepositoryRefused) as refusal:
        fetch_repository(url, ADA, **kwargs)
    return str(refusal.value)


# A real fetch from a local HTTPS server ------------------------------------------------


def test_fetch_counts_commits_and_dates_by_email(server, connections):
    url, ca_path = server
    steps: list[str] = []
    files, history = fetch_repository(
        url, ["Ada@Example.com"], allow_hosts=LOCAL, ca_certs=ca_path, progress=steps.append
    )
    assert history.commits_total == SAMPLE["commits_total"]
    assert history.commits_yours == SAMPLE["commits_ada"]
    assert history.first_yours == date.fromisoformat(SAMPLE["first_ada"])
    assert history.last_yours == date.fromisoformat(SAMPLE["last_ada"])
    assert history.emails_matched == ("ada@example.com",)
    assert "app.py" in {file.path for file in files}
    assert steps[0] == "Fetching" and "Analysing languages" in steps
    assert connections and all(ipaddress.ip_address(ip).is_loopback for ip in connections)


def test_fetch_and_bundle_agree(server, sample, tmp_path):
    url, ca_path = server
    fetched = fetch_repository(url, ADA, allow_hosts=LOCAL, ca_certs=ca_path)
    bundled = analyse_bundle(make_bundle(sample, tmp_path / "r.bundle"), ADA)
    assert fetched[1] == bundled[1]
    assert sorted(fetched[0], key=str) == sorted(bundled[0], key=str)


def test_an_allowed_name_is_fetched_at_the_address_it_resolves_to(server, connections):
    url, ca_path = server
    port = url.split(":")[2].split("/")[0]
    _, history = fetch_repository(
        f"https://git.test:{port}/repo.git",
        ["bob@example.org"],
        allow_hosts=["GIT.test"],
        resolver=stub({"git.test": ["127.0.0.1"]}),
        ca_certs=ca_path,
    )
    assert history.commits_yours == SAMPLE["commits_bob"]
    assert set(connections) == {"127.0.0.1"}


def test_fetch_stops_at_max_commits(server):
    url, ca_path = server
    limits = HistoryLimits(max_commits=3)
    _, history = fetch_repository(url, ADA, limits, allow_hosts=LOCAL, ca_certs=ca_path)
    assert history.truncated is True
    assert history.commits_total == 3


def test_a_fetch_bigger_than_max_fetch_bytes_is_refused(tmp_path):
    noise = os.urandom(60_000).hex()  # does not compress
    repo = make_repo(tmp_path / "big", [CommitSpec({"data.txt": noise})])
    with https_git_server(repo) as (url, ca_path):
        limits = HistoryLimits(max_fetch_bytes=50_000)
        message = refused(url, limits=limits, allow_hosts=LOCAL, ca_certs=ca_path)
    assert message == "The repository's data is larger than 50,000 bytes, the most that is read."


def test_a_server_with_an_untrusted_certificate_is_refused(server):
    url, _ = server
    assert "certificate could not be verified" in refused(url, allow_hosts=LOCAL)


def test_a_missing_repository_is_refused(server):
    url, ca_path = server
    missing = url.replace("repo.git", "nothing.git")
    assert refused(missing, allow_hosts=LOCAL, ca_certs=ca_path) == (
        "No public Git repository was found at this address."
    )


# Refusals before any connection ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://example.com/owner/repo.git", "Only https://"),
        ("git://example.com/owner/repo.git", "Only https://"),
        ("ssh://git@example.com/owner/repo.git", "Only https://"),
        ("git@example.com:owner/repo.git", "Only https://"),
        ("file:///srv/repo.git", "Only https://"),
        ("https://user:secret@example.com/owner/repo.git", "password or token"),
        ("https://ghp_abc123@example.com/owner/repo.git", "password or token"),
        ("https://example.com/owner/repo.git?private_token=abc", "after ?"),
        ("https://example.com", "Give the repository's address"),
        ("https://example.com:99999/owner/repo.git", "Give the repository's address"),
        ("", "Give the repository's address"),
        ("https://exa mple.com/repo.git", "Give the repository's address"),
    ],
)
def test_unsafe_urls_are_refused_without_connecting(url, words, connections):
    resolver = stub({"example.com": ["93.184.216.34"]})
    with pytest.raises(RepositoryRefused) as refusal:
        check_repository_url(url, resolver=resolver)
    assert words in str(refusal.value)
    assert words in refused(url, resolver=resolver)
    assert connections == []


def test_this_machine_is_refused_unless_allowed(server, connections):
    url, ca_path = server
    port = url.split(":")[2].split("/")[0]
    for local in (url, f"https://127.0.0.1:{port}/repo.git", f"https://[::1]:{port}/repo.git"):
        message = refused(local, ca_certs=ca_path)
        assert "is a private or local address" in message
    assert connections == []


@pytest.mark.parametrize("address", PRIVATE + SPECIAL)
def test_a_name_resolving_to_a_private_address_is_refused(address, connections):
    resolver = stub({"private.test": [address]})
    message = refused("https://private.test/owner/repo.git", resolver=resolver)
    assert message == "The host private.test is a private or local address, which is not fetched."
    assert connections == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(connections):
    resolver = stub({"mixed.test": ["93.184.216.34", "10.0.0.5"]})
    assert "private or local" in refused("https://mixed.test/repo.git", resolver=resolver)
    assert connections == []


def test_a_name_that_turns_private_between_check_and_connect_is_refused(connections):
    answers = iter([["93.184.216.34"], ["10.0.0.5"]])

    def rebinding(host: str) -> list[str]:
        return next(answers)

    assert "private or local" in refused("https://rebind.test/repo.git", resolver=rebinding)
    assert connections == []


def test_an_unknown_host_is_refused(connections):
    message = refused("https://nowhere.test/repo.git", resolver=stub({}))
    assert message == "The host nowhere.test could not be found."
    assert connections == []


@pytest.mark.parametrize("address", PRIVATE + SPECIAL)
def test_private_and_special_addresses_are_not_public(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", ["93.184.216.34", "140.82.112.3", "2606:4700::1111"])
def test_public_addresses_are_public(address):
    assert is_public_address(address) is True


def test_urls_are_normalised():
    resolver = stub({"example.com": ["93.184.216.34"]})
    assert check_repository_url(" HTTPS://Example.COM:443/Owner/Repo.git/ ", resolver=resolver) == (
        "https://example.com/Owner/Repo.git"
    )
    assert check_repository_url("https://example.com:8443/r", resolver=resolver) == (
        "https://example.com:8443/r"
    )


# Redirects -----------------------------------------------------------------------------------


def redirecting(target: Callable[[dict], str]):
    """Wrap the Git app so that ``/moved.git/...`` answers 302 to ``target(environ)``."""

    def wrap(app):
        def redirect(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if path.startswith("/moved.git"):
                query = environ.get("QUERY_STRING")
                location = target(environ) + path[len("/moved.git") :]
                start_response(
                    "302 Found", [("Location", location + ("?" + query if query else ""))]
                )
                return [b""]
            return app(environ, start_response)

        return redirect

    return wrap


def test_a_redirect_on_the_same_allowed_host_is_followed(sample):
    wrap = redirecting(lambda env: f"https://localhost:{env['SERVER_PORT']}/repo.git")
    with https_git_server(sample, wrap) as (url, ca_path):
        moved = url.replace("repo.git", "moved.git")
        _, history = fetch_repository(moved, ADA, allow_hosts=LOCAL, ca_certs=ca_path)
    assert history.commits_yours == SAMPLE["commits_ada"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (lambda env: f"https://127.0.0.1:{env['SERVER_PORT']}/repo.git", "127.0.0.1 is a private"),
        (lambda env: "https://private.test/repo.git", "private.test is a private"),
        (lambda env: f"http://localhost:{env['SERVER_PORT']}/repo.git", "Only https://"),
        (lambda env: f"https://u:p@localhost:{env['SERVER_PORT']}/repo.git", "password or token"),
    ],
)
def test_a_redirect_to_a_refused_address_is_refused(sample, connections, target, words):
    resolver = stub({"localhost": ["127.0.0.1"], "private.test": ["10.0.0.5"]})
    with https_git_server(sample, redirecting(target)) as (url, ca_path):
        moved = url.replace("repo.git", "moved.git")
        message = refused(moved, allow_hosts=LOCAL, resolver=resolver, ca_certs=ca_path)
    assert words in message
    assert set(connections) == {"127.0.0.1"}


def test_a_redirect_loop_is_refused(sample):
    wrap = redirecting(lambda env: f"https://localhost:{env['SERVER_PORT']}/moved.git")
    with https_git_server(sample, wrap) as (url, ca_path):
        moved = url.replace("repo.git", "moved.git")
        message = refused(moved, allow_hosts=LOCAL, ca_certs=ca_path)
    assert (
        message == f"The server redirected more than {MAX_REDIRECTS} times; give the final address."
    )


# Limits of time ------------------------------------------------------------------------------


def test_a_server_slower_than_the_fetch_timeout_is_refused(sample):
    pause = threading.Event()

    def stall(app):
        def slow(environ, start_response):
            pause.wait(5)  # released as soon as the client has given up
            return app(environ, start_response)

        return slow

    with https_git_server(sample, stall) as (url, ca_path):
        limits = HistoryLimits(fetch_timeout_seconds=0.5)
        message = refused(url, limits=limits, allow_hosts=LOCAL, ca_certs=ca_path)
        pause.set()
    assert message == "The repository took longer than 0.5 seconds to fetch; try a bundle."


def test_an_analysis_past_its_time_limit_is_refused(server):
    url, ca_path = server
    limits = HistoryLimits(analysis_seconds=0)
    message = refused(url, limits=limits, allow_hosts=LOCAL, ca_certs=ca_path)
    assert message == "The history took longer than 0 seconds to analyse; try a smaller one."


def test_allowed_hosts_may_be_one_comma_separated_string(server):
    url, ca_path = server
    _, history = fetch_repository(url, ADA, allow_hosts="git.test, localhost", ca_certs=ca_path)
    assert history.commits_yours == SAMPLE["commits_ada"]


# Servers that cannot or will not serve -------------------------------------------------


def test_a_server_asking_for_a_password_is_refused(sample):
    def login(app):
        def ask(environ, start_response):
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"')])
            return [b""]

        return ask

    with https_git_server(sample, login) as (url, ca_path):
        message = refused(url, allow_hosts=LOCAL, ca_certs=ca_path)
    assert message == "The repository asks for a password: only public repositories are fetched."


def test_a_dumb_http_server_is_refused(sample):
    with https_git_server(sample, dumb=True) as (url, ca_path):
        message = refused(url, allow_hosts=LOCAL, ca_certs=ca_path)
    assert message == "The server does not speak Git's smart HTTP protocol."


def test_a_server_that_is_not_there_is_refused(connections):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    message = refused(f"https://localhost:{port}/repo.git", allow_hosts=LOCAL)
    assert message == "The server at localhost could not be reached or broke off; try again later."
    assert set(connections) <= {"127.0.0.1", "::1"}


def test_an_empty_repository_is_refused(tmp_path):
    empty = make_repo(tmp_path / "empty", [])
    with https_git_server(empty) as (url, ca_path):
        message = refused(url, allow_hosts=LOCAL, ca_certs=ca_path)
    assert message == "The repository has no commits on any branch."
