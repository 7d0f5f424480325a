"""Hide every password and secret in a line of a repository's file, keeping what proves.

An evidence line shows a reader why a technology was found; it must never show a
secret, whatever syntax the file wrote it in. ``redact`` replaces with "…":

* a URL's password: ``mysql://app:…@db/app``; a password holding "@" ends at the last
  "@" before the host (``mongodb+srv://u:…@h``);
* an Oracle login: ``jdbc:oracle:thin:scott/…@db``, ``app/…@//db``, ``sqlplus scott/…``
  (not an image digest, a pinned action or a package version: ``actions/checkout@v4``);
* the value of a setting whose name says password, secret, token, key or credential
  (``is_secret_name``), in any syntax: ``DB_PASS=…``, ``password: …``, ``"password":
  "…"``, ``<password>…</password>``, ``<property name="password" value="…"/>``,
  ``define('DB_PASSWORD', '…')``, ``ENV MYSQL_ROOT_PASSWORD …``, ``Pwd={…}``;
* a command line's password: ``mysql -p…``, ``sqlcmd -P …``, ``--password …``,
  ``IDENTIFIED BY …``, ``Bearer …``.

What proves the technology (the scheme, ``jdbc:oracle:thin:``, the setting's name)
stays. Over-hiding is the safe side: a value after a secret's name runs to the end of
the line unless quoted or ended by the next pair of a connection string.
"""

from __future__ import annotations

import re

#: Words that make a setting's name a secret's name: its value is never shown. A name is
#: split into words (``DB_PASS``, ``secretKey``, ``spring.datasource.password``); whole
#: words only, so ``passport`` and ``jsonwebtoken`` (package names) keep their versions.
SECRET_WORDS = frozenset(
    {
        "pass",
        "passwd",
        "password",
        "passwords",
        "passphrase",
        "pwd",
        "pw",
        "secret",
        "secrets",
        "token",
        "tokens",
        "key",
        "keys",
        "apikey",
        "credential",
        "credentials",
        "authorization",
    }
)
#: Run-together names ending so are secret too (``DBPASSWORD``, ``adminpass``).
SECRET_ENDINGS = (
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "credential",
    "credentials",
    "passphrase",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "authtoken",
    "accesstoken",
    "apitoken",
)
HIDDEN = "…"

_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# scheme://user:password@host; the password ends at the LAST "@" before the host's "/".
_URL_SECRET = re.compile(r"""(\b[a-z][a-z0-9+.-]*://[^:/@\s'"]*:)[^\s'"/]+@""", re.IGNORECASE)
# Oracle's user/password@host (jdbc:oracle:thin:scott/tiger@db, sqlplus app/pw@//db), not
# an image digest, a pinned action or a package version (actions/checkout@v4).
_ORACLE_SECRET = re.compile(
    r"""(?<![\w$#./@-])([A-Za-z][\w$#]*/)(?!/)("[^"]*"|[^\s'"/]+)@"""
    r"""(?!sha\d+:|v\d|\d+(?:\.\d+){0,2}(?![\d.\w])|(?:latest|main|master|next|stable)\b)"""
)
# An Oracle tool's user/password with no host: sqlplus scott/tiger, connect scott/tiger.
_ORACLE_LOGIN = re.compile(
    r"""(\b(?:sqlplus|sqlldr|expdp|impdp|rman|conn(?:ect)?)\s+(?:-\w+\s+)*["']?[A-Za-z][\w$#]*/)"""
    r"""(?!…)("[^"]*"|[^\s@'"]+)""",
    re.IGNORECASE,
)
# name/key="...password..." value="x", or its text: <entry key="db.password">x</entry>.
_XML_NAMED = re.compile(
    r"""(\b(?:name|key)\s*=\s*(["'])([^"']*)\2[^>]*?)"""
    r"""(?:(\bvalue\s*=\s*)(["'])[^"']*\5|(>)[^<]*)""",
    re.IGNORECASE,
)
# <password>x</password>
_XML_TAG = re.compile(r"""<([\w:.-]+)((?:\s[^<>]*)?>)[^<]*""")
# A name and its separator: password: x, DB_PASS=x, "password": "x", 'pwd' => 'x',
# define('DB_PASSWORD', 'x'), setPassword("x").
_SETTING = re.compile(
    r"""(?<![\w.$@/])(["']?)([A-Za-z_$@][\w.$@-]*)\1\s*(=>|:=|==?|:|\(|,)[ \t]*"""
)
_WHOLE_LINE_END = re.compile(r";(?=\s*\w[\w ]*=)")
_INLINE_END = re.compile(r"[;&\"'<]")
_LINE_START = re.compile(r"^[\s-]*(?:(?:export|set|ENV|ARG|const|let|var|val)\s+)?$")
_DOCKER_ENV = re.compile(r"^(\s*(?:ENV|ARG)\s+)([\w.-]+)(\s+)(?!=)(\S.*)$")
_CLI_SECRET = re.compile(
    r"""(\bmysql(?:dump|admin|import|show|check)?\b[^|;&]*?\s-p)(?=\S)(?!…)(\S+)"""
    r"""|(\b(?:sqlcmd|bcp|osql)\b[^|;&]*?\s-P\s*)(?!…)(\S+)"""
    r"""|(--password\s+)(?!…)(\S+)"""
    r"""|(\bIDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?:PASSWORD\s+)?)(?!…)('[^']*'|"[^"]*"|\S+)"""
    r"""|(\bBearer\s+)(?!…)([\w.~+/=-]+)""",
    re.IGNORECASE,
)


def is_secret_name(name: str) -> bool:
    """Return whether a setting's name says it holds a secret (DB_PASS, secretKey)."""
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    return any(word in SECRET_WORDS or word.endswith(SECRET_ENDINGS) for word in words)


def _hide_value(text: str, start: int, whole_line: bool, call: bool) -> tuple[str, int]:
    """Return the text with the value at ``start`` hidden, and where scanning goes on."""
    if start >= len(text):
        return text, start
    first = text[start]
    if first in "\"'`":
        end = text.find(first, start + 1)
        end = len(text) if end < 0 else end
        if end == start + 1:
            return text, end + 1
        return text[: start + 1] + HIDDEN + text[end:], start + 2 + len(HIDDEN)
    if first == "{":
        end = text.find("}", start)
        end = len(text) if end < 0 else end
        return text[: start + 1] + HIDDEN + text[end:], start + 1 + len(HIDDEN)
    if text.startswith(HIDDEN, start) or (call and first == ")"):
        return text, start
    # A setting that starts the line runs to its end, but a connection string's next pair
    # (Pwd=x;Server=db) is kept; inside a line a value ends at ; & a quote or a tag.
    found = (_WHOLE_LINE_END if whole_line else _INLINE_END).search(text, start)
    end = found.start() if found else len(text)
    if end == start:
        return text, start
    return text[:start] + HIDDEN + text[end:], start + len(HIDDEN)


def _hide_settings(text: str) -> str:
    position = 0
    while True:
        found = _SETTING.search(text, position)
        if found is None:
            return text
        quoted, name, separator = found.group(1), found.group(2), found.group(3)
        if not is_secret_name(name) or (separator == "," and not quoted):
            position = found.end(3)
            continue
        whole_line = bool(_LINE_START.match(text[: found.start()]))
        text, position = _hide_value(text, found.end(), whole_line, separator == "(")
        position = max(position, found.end())


def _hide_xml(text: str) -> str:
    def named(found: re.Match[str]) -> str:
        if not is_secret_name(found.group(3)):
            return found.group(0)
        if found.group(4) is not None:
            return f"{found.group(1)}{found.group(4)}{found.group(5)}{HIDDEN}{found.group(5)}"
        return f"{found.group(1)}>{HIDDEN}"

    def tag(found: re.Match[str]) -> str:
        if not is_secret_name(found.group(1)) or found.group(0).endswith(">"):
            return found.group(0)
        return f"<{found.group(1)}{found.group(2)}{HIDDEN}"

    return _XML_TAG.sub(tag, _XML_NAMED.sub(named, text))


def redact(text: str) -> str:
    """Return a line with every password and secret value replaced by "…".

    URL passwords (``mysql://app:…@db``), Oracle logins (``jdbc:oracle:thin:scott/…@db``),
    settings whose name says password, secret, token, key or credential in any syntax
    (``DB_PASS=…``, ``"password": "…"``, ``<password>…</password>``) and command-line
    passwords (``mysql -p…``). What proves the technology stays.
    """
    text = _URL_SECRET.sub(rf"\1{HIDDEN}@", text)
    text = _ORACLE_SECRET.sub(rf"\1{HIDDEN}@", text)
    text = _ORACLE_LOGIN.sub(rf"\1{HIDDEN}", text)
    text = _CLI_SECRET.sub(lambda found: _keep_prefix(found), text)
    docker = _DOCKER_ENV.match(text)
    if docker and is_secret_name(docker.group(2)):
        text = docker.group(1) + docker.group(2) + docker.group(3) + HIDDEN
    return _hide_settings(_hide_xml(text))


def _keep_prefix(found: re.Match[str]) -> str:
    prefix = next(group for group in found.groups()[::2] if group is not None)
    return prefix + HIDDEN
