"""Security defaults: response headers, secure cookies, reverse-proxy trust, production checks.

Every response carries a strict Content-Security-Policy (no inline scripts or styles: the
app has none, keep it so), nosniff, a referrer policy, frame denial and a restrictive
Permissions-Policy. HSTS is sent only on requests that arrived over HTTPS, so a plain
HTTP development server never pins a browser to HTTPS.

Cookies are HttpOnly and SameSite=Lax always, and Secure when the app is configured for
HTTPS (`PREFERRED_URL_SCHEME=https`) or when the request itself is secure. Behind a
reverse proxy, set `TRUSTED_PROXIES=<number of proxies>` (or `PROXY_FIX=1` for one) so
X-Forwarded-For/-Proto/-Host count; never set it when clients reach the app directly,
or they could forge their address and scheme.

A request whose path, query string or form data holds a NUL character is refused with
400 before any view runs: PostgreSQL cannot store NUL, so it would otherwise fail as a 500.

Caching: every response to a logged-in user sends `Cache-Control: no-store`, so neither
the browser's back button on a shared computer nor a cache between keeps a private page.
The pages anyone may see (the public portfolio, its PDF, static files) neither set nor
vary on a cookie, so a shared cache may keep them under their ETag.
"""

from __future__ import annotations

from flask import Flask, Response, abort, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from portfolio.config import ConfigurationError

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)
HSTS = "max-age=31536000; includeSubDomains"
NUL_MESSAGE = (
    "The request contains a NUL character (\\x00), which no address or form field "
    "may hold. Remove it and try again."
)

#: Pages that are the same for everyone: no cookie is set on them, none is varied on.
SHARED_CACHE_ENDPOINTS = frozenset({"exports.public", "exports.public_pdf", "static"})

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def trusted_proxy_count(app: Flask) -> int:
    """Return how many reverse proxies sit in front of the app (0: trust no headers)."""
    raw = app.config.get("TRUSTED_PROXIES") or 0
    if not raw:
        flag = str(app.config.get("PROXY_FIX") or "").lower()
        raw = 1 if flag in {"1", "true", "yes"} else 0
    try:
        return max(0, int(raw))
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"TRUSTED_PROXIES must be a number, not {raw!r}") from error


def register_security(app: Flask) -> None:
    """Apply the security defaults to the app: proxy trust, cookie flags and headers."""
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    # Session and remember cookies are set after every after_request hook has run, so the
    # Secure flag for HTTPS requests is added on the way out, at the WSGI level.
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
    proxies = trusted_proxy_count(app)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )

    @app.before_request
    def refuse_nul_characters() -> None:
        """Answer 400 when the path, query string or form holds a NUL character."""
        if has_nul_character():
            abort(400, description=NUL_MESSAGE)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    @app.after_request
    def keep_private_pages_out_of_caches(response: Response) -> Response:
        """Send no-store with every response made for a logged-in user.

        The pages that are the same for everyone are left as they are, even though
        rendering a template loads the visitor's login (Flask-Login's context processor).
        """
        user = g.get("_login_user")  # where Flask-Login keeps the user it loaded
        stored = "no-store" in (response.headers.get("Cache-Control") or "")
        if (
            user is not None
            and user.is_authenticated
            and not stored
            and request.endpoint not in SHARED_CACHE_ENDPOINTS
        ):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.session_interface = NoCookieOnSharedPages()


class NoCookieOnSharedPages(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, saved on every page but those anyone may cache.

    Flask-Login reads the session after every request, which would make even the
    public page send `Vary: Cookie` (and refresh the cookie): a shared cache could then
    not keep it. Pages in SHARED_CACHE_ENDPOINTS skip saving the session altogether.
    """

    def save_session(self, app: Flask, session, response: Response) -> None:
        """Save the session, unless the page is one any cache may keep."""
        if request.endpoint in SHARED_CACHE_ENDPOINTS:
            return
        super().save_session(app, session, response)


def has_nul_character() -> bool:
    """Return whether the request's path, query string or form data holds a NUL character.

    PostgreSQL cannot store NUL in text, so such input would fail deep inside a query.
    The API checks its own query strings and JSON bodies (and answers 422 naming the
    field), so under /api/ only the path is checked here.
    """
    if "\x00" in request.path:
        return True
    if request.path.startswith("/api/"):
        return False
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    return any("\x00" in name or "\x00" in value for name, value in fields)


class SecureCookiesOverHttps:
    """WSGI middleware: add the Secure flag to every cookie set on an HTTPS request."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start_secure(status, headers, exc_info=None):
            headers = [
                (name, secure_cookie(value)) if name.lower() == "set-cookie" else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_secure)


def secure_cookie(cookie: str) -> str:
    """Return the Set-Cookie value with the Secure flag."""
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in flags else f"{cookie}; Secure"
