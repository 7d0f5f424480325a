"""The public portfolio page: opt-in sharing, what it shows, caching, headers, safety."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from portfolio.extensions import db
from portfolio.models import PortfolioSettings, Project, User

TOKEN_RE = re.compile(r'id="public-url">https?://[^/]+(/p/[\w-]+)<')
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


def share(user) -> str:
    """Turn sharing on and return the public page's path."""
    response = user.post("/share/sharing", {"enabled": "on"}, form_path="/share")
    assert response.status_code == 302
    return public_path(user)


def public_path(user) -> str:
    match = TOKEN_RE.search(user.client.get("/share").get_data(as_text=True))
    assert match, "sharing is not on"
    return match.group(1)


def save_details(user, **fields):
    data = {"name": "Ada Lovelace", "show_name": "y"}
    # A browser sends every link row, empty or not.
    for row in range(5):
        data.update({f"links-{row}-{part}": "" for part in ("network", "username", "url")})
    data.update(fields)
    return user.post("/share/details", data)


def jsonld_of(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


class _Tags(HTMLParser):
    """Collect the tags and attributes of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


# -- opt-in and the address


def test_sharing_is_off_by_default(user, app):
    page = user.client.get("/share").get_data(as_text=True)
    assert "Your public page is <strong>off</strong>" in page
    assert not TOKEN_RE.search(page)
    with app.app_context():
        user_id = db.session.scalar(select(User.id))
    assert user.client.get(f"/p/{user_id}").status_code == 404


def test_turning_sharing_on_gives_an_unguessable_address_open_without_login(user, app):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    token = path.removeprefix("/p/")
    assert len(token) >= 32
    with app.app_context():
        assert token != str(db.session.scalar(select(User.id)))
    user.logout()
    response = user.client.get(path)
    assert response.status_code == 200
    assert "Booking API" in response.get_data(as_text=True)


def test_rotating_the_address_makes_the_old_one_404(user):
    old = share(user)
    assert user.post("/share/rotate", form_path="/share").status_code == 302
    new = public_path(user)
    assert new != old
    assert user.client.get(old).status_code == 404
    assert user.client.get(new).status_code == 200


def test_turning_sharing_off_makes_the_page_404(user):
    path = share(user)
    response = user.post("/share/sharing", {"enabled": "off"}, form_path="/share")
    assert response.status_code == 302
    assert user.client.get(path).status_code == 404
    assert "Your public page is <strong>off</strong>" in user.client.get("/share").get_data(
        as_text=True
    )


def test_unknown_token_is_404(client):
    assert client.get("/p/not-a-real-token").status_code == 404
    assert client.get("/p/" + "x" * 100).status_code == 404


@pytest.mark.parametrize(
    "path", ["/share/sharing", "/share/rotate", "/share/appearance", "/share/details"]
)
def test_every_post_needs_a_csrf_token(user, path):
    response = user.client.post(path, data={"enabled": "on", "theme": "clean"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_owner_pages_need_login(client):
    for path in ("/share", "/share/details", "/share/download/portfolio.html"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


# -- what the page shows


def test_only_public_projects_are_shown(user):
    user.add_project(title="Open booking API", public="y")
    user.add_project(title="Secret side project", summary="Hush")
    html = user.client.get(share(user)).get_data(as_text=True)
    assert "Open booking API" in html
    assert "Secret side project" not in html
    assert "Hush" not in html
    assert "Secret side project" not in json.dumps(jsonld_of(html))


def test_details_are_shown_only_when_ticked(user):
    response = save_details(
        user,
        headline="Junior back-end engineer",
        show_headline="y",
        location="Leeds, UK",
        email="ada@example.com",
        website="https://ada.example",
        show_website="y",
        **{"links-0-network": "GitHub", "links-0-url": "https://github.com/ada"},
        **{"links-0-username": "ada"},
    )
    assert response.status_code == 302
    html = user.client.get(share(user)).get_data(as_text=True)
    assert "Ada Lovelace" in html
    assert "Junior back-end engineer" in html
    assert 'href="https://ada.example"' in html
    assert "Leeds" not in html
    assert "ada@example.com" not in html
    assert "github.com/ada" not in html


def test_details_form_names_the_field_in_error(user):
    response = save_details(
        user,
        website="javascript:alert(1)",
        email="not-an-email",
        **{"links-1-network": "GitHub", "links-2-url": "ftp://example.com"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="website-error">Enter a full web address', html)
    assert re.search(r'id="email-error">Enter an email address', html)
    assert re.search(r'id="links-1-url-error">Enter the address', html)
    assert re.search(r'id="links-2-url-error">Enter a full web address', html)
    assert re.search(r'id="links-2-network-error">Name the site', html)


def test_projects_are_grouped_by_kind_or_technology_with_featured_first(user):
    user.add_project(title="Older", public="y", start="2023-01", technologies="Python")
    user.add_project(title="Starred", public="y", start="2022-01", featured="y",
                     technologies="Python")  # fmt: skip
    user.add_project(title="Paid gig", kind="paid", public="y", technologies="Go")
    path = share(user)
    html = user.client.get(path).get_data(as_text=True)
    html = html[html.index("<main") :]
    assert html.index("Paid work") < html.index("Personal project")
    assert html.index("Starred") < html.index("Older")
    user.post("/share/appearance", {"theme": "compact", "group_by": "technology"},
              form_path="/share")  # fmt: skip
    html = user.client.get(path).get_data(as_text=True)
    assert 'class="portfolio theme-compact"' in html
    assert re.search(r"<h3>Go</h3>.*Paid gig.*<h3>Python</h3>", html, re.S)


def test_readiness_badge_is_optional(user):
    user.add_project(title="Booking API", public="y", technologies="Python, PostgreSQL")
    path = share(user)
    assert "Readiness for" not in user.client.get(path).get_data(as_text=True)
    user.post("/share/appearance", {"theme": "clean", "group_by": "kind", "show_badge": "y"},
              form_path="/share")  # fmt: skip
    html = user.client.get(path).get_data(as_text=True)
    assert re.search(r"Readiness for Back-end engineer: <strong>\d+</strong> out of 100", html)


# -- HTML for the outside world


def test_open_graph_and_json_ld_describe_the_owner(user):
    save_details(user, headline="Junior back-end engineer", show_headline="y")
    user.add_project(title="Booking API", public="y", technologies="Flask")
    path = share(user)
    html = user.client.get(path).get_data(as_text=True)
    assert '<meta property="og:type" content="profile">' in html
    assert f'<meta property="og:url" content="http://localhost{path}">' in html
    assert '<meta property="og:title" content="Ada Lovelace · Junior back-end engineer">' in html
    data = jsonld_of(html)
    assert data["@type"] == "Person"
    assert data["name"] == "Ada Lovelace"
    assert data["workExample"][0]["@type"] == "CreativeWork"
    assert data["workExample"][0]["name"] == "Booking API"


def test_noindex_is_on_by_default_and_can_be_turned_off(user):
    path = share(user)
    response = user.client.get(path)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    user.post("/share/appearance", {"theme": "clean", "group_by": "kind"}, form_path="/share")
    response = user.client.get(path)
    assert "X-Robots-Tag" not in response.headers
    assert 'name="robots"' not in response.get_data(as_text=True)


def test_page_has_strict_csp_and_no_inline_script_or_style(user):
    user.add_project(title="Booking API", public="y")
    response = user.client.get(share(user))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    for tag, attrs in tags_of(response.get_data(as_text=True)):
        assert "style" not in attrs
        assert not any(name.startswith("on") for name in attrs)
        assert tag != "style"
        if tag == "script":
            assert attrs == {"type": "application/ld+json"}


def test_print_stylesheet_and_both_themes_exist(client):
    with client.get("/static/public.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css
    assert "@page" in css
    assert "attr(href)" in css
    assert ".theme-compact" in css


# -- conditional GETs


def set_changed_at(app, moment: datetime) -> None:
    """Pretend the portfolio last changed at this moment (naive UTC, as stored)."""
    with app.app_context():
        db.session.execute(update(User).values(portfolio_changed_at=moment))
        db.session.commit()


def test_unchanged_page_answers_304(user, app):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    set_changed_at(app, datetime(2025, 3, 1, 12, 0, 0, 700000))
    first = user.client.get(path)
    assert first.headers["Last-Modified"] == "Sat, 01 Mar 2025 12:00:01 GMT"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert user.client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert user.client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    not_modified = user.client.get(path, headers={"If-None-Match": etag})
    assert not_modified.headers["ETag"] == etag
    assert not_modified.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert not_modified.get_data() == b""


def test_change_within_the_same_second_is_not_answered_304(user, app):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    # A client fetched the page at 12:00:00.3, while that second was running, and was
    # told "12:00:00"; the portfolio then changed again at 12:00:00.7.
    set_changed_at(app, datetime(2025, 3, 1, 12, 0, 0, 700000))
    since = {"If-Modified-Since": "Sat, 01 Mar 2025 12:00:00 GMT"}
    assert user.client.get(path, headers=since).status_code == 200
    later = {"If-Modified-Since": "Sat, 01 Mar 2025 12:00:01 GMT"}
    assert user.client.get(path, headers=later).status_code == 304


def test_page_changed_this_second_names_a_date_that_never_validates(user, app):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    # A change still inside its second (here a little in the future, to be certain).
    soon = datetime.now(UTC).replace(tzinfo=None, microsecond=500000) + timedelta(seconds=30)
    set_changed_at(app, soon)
    modified = user.client.get(path).headers["Last-Modified"]
    response = user.client.get(path, headers={"If-Modified-Since": modified})
    assert response.status_code == 200


def test_changing_a_project_or_settings_changes_the_etag(user, app):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    etag = user.client.get(path).headers["ETag"]
    user.add_project(title="Another", public="y")
    second = user.client.get(path, headers={"If-None-Match": etag})
    assert second.status_code == 200
    assert "Another" in second.get_data(as_text=True)
    user.post("/share/appearance", {"theme": "compact", "group_by": "kind"}, form_path="/share")
    third = user.client.get(path, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200
    assert "theme-compact" in third.get_data(as_text=True)


# -- other users


def test_another_users_settings_and_page_are_out_of_reach(user, app):
    user.add_project(title="Ada's API", public="y")
    save_details(user)
    ada_path = share(user)
    user.logout()
    user.register(email="bob@example.com", name="Bob")
    # Bob's settings page shows his own (empty) state, not Ada's.
    bob_share = user.client.get("/share").get_data(as_text=True)
    assert "<strong>off</strong>" in bob_share
    assert "Ada Lovelace" not in user.client.get("/share/details").get_data(as_text=True)
    # Bob's actions only ever change Bob's settings.
    user.post("/share/rotate", form_path="/share")
    user.post("/share/sharing", {"enabled": "off"}, form_path="/share")
    assert user.client.get(ada_path).status_code == 200
    bob_path = share(user)
    bob_page = user.client.get(bob_path).get_data(as_text=True)
    assert "Ada" not in bob_page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(PortfolioSettings.user_id))) == 2


# -- safety


def test_user_text_is_escaped_and_unsafe_links_never_rendered(user, app):
    save_details(
        user,
        name=XSS_SCRIPT,
        headline=XSS_ATTR,
        show_headline="y",
        bio="</script><script>alert(2)</script>",
        show_bio="y",
    )
    user.add_project(
        title=XSS_SCRIPT,
        organisation=XSS_ATTR,
        role="</script>",
        summary=XSS_ATTR,
        highlights=f"{XSS_SCRIPT}\n{XSS_ATTR}",
        technologies="<b>bold</b>",
        public="y",
    )
    # The forms refuse javascript: addresses; older or imported data must still be safe.
    with app.app_context():
        db.session.execute(
            update(Project).values(live_url="javascript:alert(1)", source_url="JaVaScRiPt:alert(1)")
        )
        db.session.execute(
            update(PortfolioSettings).values(
                website="javascript:alert(1)",
                links=[{"network": "GitHub", "url": "javascript:alert(1)", "username": "x"}],
                shown=["name", "headline", "bio", "website", "links"],
            )
        )
        db.session.commit()
    html = user.client.get(share(user)).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html.lower()
    for tag, attrs in tags_of(html):
        assert tag != "img"
        if tag == "script":
            assert attrs == {"type": "application/ld+json"}
    # The JSON-LD cannot close its script element, yet still holds the exact text.
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert script and "<" not in script.group(1)
    data = jsonld_of(html)
    assert data["name"] == XSS_SCRIPT
    assert data["description"] == "</script><script>alert(2)</script>"
    assert data["workExample"][0]["name"] == XSS_SCRIPT
    assert "sameAs" not in data


def test_details_form_keeps_every_stored_link(user, app):
    """Eight links (an import may bring up to 20) survive opening and saving the form."""
    links = [
        {"network": f"Site {n}", "url": f"https://site{n}.example/ada", "username": "ada"}
        for n in range(8)
    ]
    share(user)  # makes the settings row
    with app.app_context():
        db.session.execute(update(PortfolioSettings).values(links=links))
        db.session.commit()
    form = user.client.get("/share/details").get_data(as_text=True)
    for n in range(8):
        assert f'value="https://site{n}.example/ada"' in form
    assert 'name="links-8-url"' in form  # one empty row to add another
    # Post the form back as a browser would: every field with its shown value.
    fields = dict(re.findall(r'name="(links-\d+-\w+)"[^>]*value="([^"]*)"', form))
    response = user.post("/share/details", {"name": "Ada Lovelace", **fields})
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(PortfolioSettings.links))
    assert [link["url"] for link in stored] == [link["url"] for link in links]


HOSTILE_DESCRIPTION = (
    "Built with **Flask**.\n\n- row locks\n- backups\n\n### Approach\n\n"
    '<script>alert(1)</script><img src="https://evil.example/p.png" onerror="alert(2)"> '
    '[js](javascript:alert(3)) [inside](/share/sharing) <b style="color:red">loud</b> '
    "<style>main { display: none }</style>"
)


def test_the_description_is_shown_rendered_and_sanitised(user):
    user.add_project(title="Booking API", public="y", description=HOSTILE_DESCRIPTION)
    html = user.client.get(share(user)).get_data(as_text=True)
    main = html[html.index("<main") :]
    assert "Built with <strong>Flask</strong>." in main
    assert "<li>row locks</li>" in main
    assert "<h5>Approach</h5>" in main  # below the project's own h4
    assert "loud" in main and "inside" in main
    for gone in ("<script", "<img", "javascript:", "alert(", "<style", "display: none",
                 'href="/share', "evil.example"):  # fmt: skip
        assert gone not in main, gone
    for _tag, attrs in tags_of(main):
        assert "style" not in attrs and not any(name.startswith("on") for name in attrs)
