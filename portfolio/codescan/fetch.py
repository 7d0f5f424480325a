"""Fetch a public Git repository over HTTPS, safely, and read its history.

A URL typed by a user is a request to make *this server* connect somewhere, so the
rules are strict (each refusal is a ``RepositoryRefused`` whose text goes next to the
"Repository URL" field):

* ``https://`` only; no user name, password or token in the URL, and no query string
  (where tokens hide). Only public repositories are fetched: a server asking for a
  password is refused.
* The host must resolve only to public addresses: loopback, private, link-local,
  shared (CGNAT), multicast, reserved and unspecified addresses are refused, including
  IPv4 addresses carried inside IPv6 (mapped, 6to4, Teredo, NAT64). The check is made on
  the address **actually connected to**: each connection resolves the name once, vets
  every address, connects to that exact address (TLS still verifies the certificate for
  the name, with SNI), and checks the socket's peer before a byte is sent. A name that
  resolves to a public address when checked and a private one when fetched is refused.
* Hosts listed in ``allow_hosts`` (the app's ``REPO_IMPORT_ALLOW_HOSTS``: a self-hosted
  Git server, tests) skip the address check, nothing else. ``ca_certs`` names a CA bundle
  to trust instead of the system's, for the same servers and for tests.
* At most ``MAX_REDIRECTS`` redirects, each to ``https://`` and checked the same way.
* Limits: the whole fetch must finish within ``fetch_timeout_seconds`` and read at most
  ``max_fetch_bytes`` (counted as the bytes arrive, refs and pack alike); at most
  ``max_commits + 1`` commits deep per branch are asked for; the analysis then has
  ``analysis_seconds`` (see ``history.py``).
* Nothing from the repository is run or obeyed: dulwich (pure Python) speaks the smart
  HTTP protocol into a temporary object store that is always removed; no checkout, no
  hooks, no repository configuration, no submodules, no LFS (LFS pointer files are small
  text files and count as nothing). Servers that only speak the "dumb" protocol are
  refused. Proxy settings from the environment are not used.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import urllib3
from dulwich.client import HTTPUnauthorized, Urllib3HttpGitClient
from dulwich.errors import NotGitRepository
from dulwich.object_store import ObjectStoreGraphWalker
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from portfolio.codescan.archive import ArchiveLimits, RepoFile
from portfolio.codescan.history import History, HistoryLimits, Progress, analyse_store
from portfolio.codescan.packs import (
    REFUSE_NO_COMMITS,
    RepositoryRefused,
    check_pack,
    object_store,
    size_text,
    store_pack,
)

Resolver = Callable[[str], Iterable[str]]

MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
CONNECT_TIMEOUT = 20.0

REFUSE_URL = "Give the repository's address, like https://example.com/owner/project.git."
REFUSE_SCHEME = "Only https:// repository addresses are fetched."
REFUSE_CREDENTIALS = (
    "Remove the user name, password or token from the address: "
    "only public repositories are fetched."
)
REFUSE_QUERY = "Remove the part after ? from the address: it may hold a token."
REFUSE_UNKNOWN_HOST = "The host {host} could not be found."
REFUSE_PRIVATE = "The host {host} is a private or local address, which is not fetched."
REFUSE_REDIRECTS = "The server redirected more than {count} times; give the final address."
REFUSE_TIMEOUT = "The repository took longer than {seconds:g} seconds to fetch; try a bundle."
REFUSE_NOT_FOUND = "No public Git repository was found at this address."
REFUSE_LOGIN = "The repository asks for a password: only public repositories are fetched."
REFUSE_TLS = "The server's certificate could not be verified for {host}."
REFUSE_UNREACHABLE = "The server at {host} could not be reached or broke off; try again later."
REFUSE_TOO_BIG = "The repository's data is larger than {limit}, the most that is read."
REFUSE_DUMB = "The server does not speak Git's smart HTTP protocol."

#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64).
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def is_public_address(address: str) -> bool:
    """Return whether an IP address is a public, unicast one a fetch may connect to."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped or ip.teredo:
            return False  # no Git host needs these forms, and they can carry a private address
        embedded = ip.sixtofour
        if embedded is None and any(ip in net for net in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def _system_resolver(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class _Guard:
    """Resolves a host once per connection and vets every address it gets."""

    def __init__(self, allow_hosts: Iterable[str], resolver: Resolver | None) -> None:
        self.allow = {host.strip().lower().rstrip(".") for host in allow_hosts if host.strip()}
        self.resolver = resolver or _system_resolver
        self.refusal: RepositoryRefused | None = None

    def refuse(self, message: str) -> RepositoryRefused:
        self.refusal = RepositoryRefused(message)
        return self.refusal

    def allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.allow

    def addresses(self, host: str) -> list[str]:
        """Return the addresses to connect to for ``host``, all vetted, or refuse."""
        host = host.strip("[]")
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            found = [host]
        except ValueError:
            try:
                found = list(dict.fromkeys(self.resolver(host)))
            except (OSError, UnicodeError):
                found = []
        if not found:
            raise self.refuse(REFUSE_UNKNOWN_HOST.format(host=host))
        if not self.allowed(host) and not all(is_public_address(ip) for ip in found):
            raise self.refuse(REFUSE_PRIVATE.format(host=host))
        return found

    def check_peer(self, host: str, peer: str, vetted: str) -> None:
        """Refuse a socket whose peer is not the vetted address (or not public)."""
        same = ipaddress.ip_address(peer.split("%", 1)[0]) == ipaddress.ip_address(
            vetted.split("%", 1)[0]
        )
        if not same or not (self.allowed(host) or is_public_address(peer)):
            raise self.refuse(REFUSE_PRIVATE.format(host=host))


class _VettedHTTPSConnection(HTTPSConnection):
    """An HTTPS connection that connects only to an address its guard has vetted."""

    guard: _Guard

    def _new_conn(self) -> socket.socket:
        host = self._dns_host
        timeout = self.timeout if isinstance(self.timeout, int | float) else CONNECT_TIMEOUT
        last: OSError | None = None
        for address in self.guard.addresses(host):
            try:
                sock = socket.create_connection((address, self.port), timeout)
            except OSError as error:
                last = error
                continue
            try:
                self.guard.check_peer(host, sock.getpeername()[0], address)
            except RepositoryRefused:
                sock.close()
                raise
            return sock
        if isinstance(last, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {host} timed out.")
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")


class _Budget:
    """Counts bytes read and time spent across a whole fetch; refuses past either limit."""

    def __init__(self, limits: HistoryLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.fetch_timeout_seconds
        self.read = 0

    def spend(self, amount: int) -> None:
        self.read += amount
        if self.read > self.limits.max_fetch_bytes:
            raise RepositoryRefused(
                REFUSE_TOO_BIG.format(limit=size_text(self.limits.max_fetch_bytes))
            )
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() >= self.deadline:
            raise RepositoryRefused(
                REFUSE_TIMEOUT.format(seconds=self.limits.fetch_timeout_seconds)
            )

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.1)


class _VettedPoolManager(urllib3.PoolManager):
    """A pool manager for https only, whose connections go through the guard."""

    def __init__(self, guard: _Guard, budget: _Budget, ca_certs: str | None) -> None:
        super().__init__(
            num_pools=4,
            headers={"User-Agent": "git/dulwich (portfolio repository import)"},
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
        )
        self.guard = guard
        self.budget = budget
        self.responses: list[Any] = []  # closed at the end: dulwich leaves some open on errors
        connection = type("Connection", (_VettedHTTPSConnection,), {"guard": guard})
        pool = type("Pool", (HTTPSConnectionPool,), {"ConnectionCls": connection})
        self.pool_classes_by_scheme = {"https": pool}  # type: ignore[assignment]

    def connection_from_host(
        self,
        host: str | None,
        port: int | None = None,
        scheme: str | None = "http",
        pool_kwargs: dict[str, Any] | None = None,
    ) -> HTTPSConnectionPool:
        """Return a vetted https pool; refuse any other scheme (a redirect to http)."""
        if scheme != "https":
            raise self.guard.refuse(REFUSE_SCHEME)
        return super().connection_from_host(host, port, scheme, pool_kwargs)  # type: ignore[return-value]

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:
        """Open ``url`` (and each redirect) after checking its shape; count what is read."""
        _check_shape(url, self.guard)
        self.budget.check_time()
        remaining = self.budget.remaining()
        kw.setdefault(
            "retries",
            urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS),
        )
        kw["timeout"] = urllib3.Timeout(connect=min(CONNECT_TIMEOUT, remaining), read=remaining)
        response = super().urlopen(method, url, redirect=redirect, **kw)
        self.responses.append(response)
        # A redirect comes back through here once per hop: count the final body once.
        if not response.get_redirect_location() and not getattr(response, "counted", False):
            response.counted = True  # type: ignore[attr-defined]
            read = response.read
            budget = self.budget

            def counted(amt: int | None = None, *args: Any, **kwargs: Any) -> bytes:
                data = read(amt, *args, **kwargs)
                budget.spend(len(data))
                return data

            response.read = counted  # type: ignore[method-assign]
        return response

    def close(self) -> None:
        """Close every response and connection this fetch opened."""
        for response in self.responses:
            response.close()
        self.responses.clear()
        self.clear()


class _Client(Urllib3HttpGitClient):
    """dulwich's HTTP client, refusing servers that only speak the dumb protocol."""

    def _discover_references(self, *args: Any, **kwargs: Any) -> Any:
        found = super()._discover_references(*args, **kwargs)
        if self.dumb:
            raise RepositoryRefused(REFUSE_DUMB)
        return found


def _check_shape(url: str, guard: _Guard | None = None) -> None:
    """Refuse a URL that is not https or that carries credentials."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise RepositoryRefused(REFUSE_URL) from None
    if parts.scheme.lower() != "https":
        raise guard.refuse(REFUSE_SCHEME) if guard else RepositoryRefused(REFUSE_SCHEME)
    if "@" in parts.netloc:
        message = REFUSE_CREDENTIALS
        raise guard.refuse(message) if guard else RepositoryRefused(message)


def check_repository_url(
    url: str, allow_hosts: Iterable[str] = (), resolver: Resolver | None = None
) -> str:
    """Return the URL normalised, or raise RepositoryRefused with the reason.

    Resolves the host (with ``resolver`` if given: a callable from a host name to its
    IP addresses) and refuses private and local addresses unless the host is allowed.
    """
    url = (url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH or any(char.isspace() for char in url):
        raise RepositoryRefused(REFUSE_URL)
    _check_shape(url)
    parts = urlsplit(url)
    if parts.query or "?" in url:
        raise RepositoryRefused(REFUSE_QUERY)
    host = (parts.hostname or "").rstrip(".")
    path = parts.path.rstrip("/")
    if not host or not path:
        raise RepositoryRefused(REFUSE_URL)
    try:
        host = host.encode("idna").decode("ascii").lower() if not _is_ip(host) else host
    except UnicodeError:
        raise RepositoryRefused(REFUSE_URL) from None
    _Guard(_host_list(allow_hosts), resolver).addresses(host)
    shown = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port not in (None, 443) else ""
    return f"https://{shown}{port}{path}"


def _host_list(allow_hosts: Iterable[str] | str) -> tuple[str, ...]:
    """Return host names from a list, or from one comma- or space-separated string."""
    if isinstance(allow_hosts, str):
        allow_hosts = allow_hosts.replace(",", " ").split()
    return tuple(host for host in allow_hosts if host and host.strip())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetch_repository(
    url: str,
    emails: Iterable[str],
    limits: HistoryLimits = HistoryLimits(),  # noqa: B008 - frozen, so safe as a default
    allow_hosts: Iterable[str] = (),
    resolver: Resolver | None = None,
    progress: Progress = None,
    *,
    ca_certs: str | None = None,
    archive_limits: ArchiveLimits | None = None,
) -> tuple[list[RepoFile], History]:
    """Fetch a public repository's history; return its tip's files and the user's history.

    Counts the commits whose author email is one of ``emails`` (see ``history.py``).
    Raises RepositoryRefused with a sentence for the field on any refusal or failure.
    """
    allow_hosts = _host_list(allow_hosts)
    url = check_repository_url(url, allow_hosts, resolver)
    if progress:
        progress("Fetching")
    guard = _Guard(allow_hosts, resolver)
    budget = _Budget(limits)
    parts = urlsplit(url)
    host = parts.hostname or ""
    pool = _VettedPoolManager(guard, budget, ca_certs)
    client = _Client(f"https://{parts.netloc}/", pool_manager=pool)
    try:
        with object_store() as store, tempfile.TemporaryFile(prefix="fetch-") as pack:

            def write(data: bytes) -> int:
                pack.write(data)
                if pack.tell() > limits.max_fetch_bytes:  # already counted; said twice
                    raise RepositoryRefused(
                        REFUSE_TOO_BIG.format(limit=size_text(limits.max_fetch_bytes))
                    )
                return len(data)

            try:
                result = client.fetch_pack(
                    parts.path,
                    _want_every_ref,
                    ObjectStoreGraphWalker([], lambda sha: []),
                    write,
                    depth=limits.max_commits + 1,
                )
            except RepositoryRefused:
                raise
            except Exception as error:  # a remote server's failure, in any of its forms
                raise guard.refusal or _refusal_for(error, host, limits) from error
            if not pack.tell():
                raise RepositoryRefused(REFUSE_NO_COMMITS)
            refs = {name: sha for name, sha in result.refs.items() if sha is not None}
            archive_limits = archive_limits or ArchiveLimits()
            check_pack(pack, 0, archive_limits.max_unpacked_bytes, limits.analysis_seconds)
            pack.seek(0)
            store_pack(store, pack.read, REFUSE_UNREACHABLE.format(host=host))
            return analyse_store(store, refs, emails, limits, progress, archive_limits)
    finally:
        client.close()
        pool.close()


def _want_every_ref(refs: dict[bytes, bytes], depth: int | None = None) -> list[bytes]:
    """Ask for the commit of every branch and tag (peeled entries and HEAD add nothing new)."""
    wanted = {sha for name, sha in refs.items() if not name.endswith(b"^{}") and sha}
    return sorted(sha for sha in wanted if sha != b"0" * 40)


def _refusal_for(error: BaseException, host: str, limits: HistoryLimits) -> RepositoryRefused:
    """Turn a fetch failure into the sentence the user sees."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain:
        if isinstance(item, NotGitRepository):
            return RepositoryRefused(REFUSE_NOT_FOUND)
        if isinstance(item, HTTPUnauthorized):
            return RepositoryRefused(REFUSE_LOGIN)
        if isinstance(item, urllib3.exceptions.MaxRetryError) and isinstance(
            item.reason, urllib3.exceptions.ResponseError
        ):
            return RepositoryRefused(REFUSE_REDIRECTS.format(count=MAX_REDIRECTS))
        if isinstance(item, NewConnectionError):  # a subclass of the timeout below
            return RepositoryRefused(REFUSE_UNREACHABLE.format(host=host))
        if isinstance(item, urllib3.exceptions.SSLError | ssl.SSLError):
            return RepositoryRefused(REFUSE_TLS.format(host=host))
        if isinstance(item, urllib3.exceptions.TimeoutError | TimeoutError):
            return RepositoryRefused(REFUSE_TIMEOUT.format(seconds=limits.fetch_timeout_seconds))
    text = " ".join(str(item) for item in chain)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return RepositoryRefused(REFUSE_TLS.format(host=host))
    if "too many redirects" in text.lower():
        return RepositoryRefused(REFUSE_REDIRECTS.format(count=MAX_REDIRECTS))
    # Anything else (a refused connection, a dropped one, a protocol the client cannot
    # follow) is the server's failure, told the same way.
    return RepositoryRefused(REFUSE_UNREACHABLE.format(host=host))


__all__ = ["check_repository_url", "fetch_repository", "is_public_address"]
