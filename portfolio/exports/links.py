"""Links in every output: which URLs are shown, how they are written, and dates.

The one rule for a web address (``rules.check_web_address``) decides what the JSON
Resume, Markdown, JSON-LD and HTML outputs link to; ``export_uri`` writes an accepted
address as a strict RFC 3986 URI where a standard asks for one.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from urllib.parse import quote, urlsplit, urlunsplit

from portfolio.schemas import rules

_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def http_url(value: str) -> str:
    """Return the URL trimmed if the web-address rule accepts it, else "".

    The one rule (``rules.check_web_address``): absolute http(s), no spaces, controls,
    credentials or unreadable brackets, and a host IDNA 2008 can encode.
    """
    try:
        return rules.check_web_address(value)
    except rules.RuleError:
        return ""


def export_uri(value: str) -> str:
    """Return an http(s) URL as a strict RFC 3986 URI, or "" if it is not one.

    An internationalised host becomes its IDNA 2008 ASCII form (``rules.ascii_host``),
    the same host: ``ß.de`` is ``xn--zca.de``, where Python's IDNA 2003 codec would
    write ``ss.de``, another host.
    """
    url = http_url(value)
    if not url:
        return ""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        # The rule refuses user names and passwords, and a non-ASCII host cannot be
        # an IPv6 literal, so the netloc is a host and maybe ":" and a port.
        host, colon, port = netloc.partition(":")
        ascii_host = rules.ascii_host(host)
        if ascii_host is None:
            return ""
        netloc = f"{ascii_host}{colon}{port}"
    # A "%" that does not start an escape is a literal percent sign.
    encode = functools.partial(quote, safe="/?:@!$&'()*+,;=%-._~")
    path, query, fragment = (
        encode(_STRAY_PERCENT.sub("%25", part))
        for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def year_month(day: date | None) -> str:
    """Return the date as "YYYY-MM", or "" when there is none."""
    return f"{day.year:04d}-{day.month:02d}" if day is not None else ""
