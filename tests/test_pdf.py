"""The PDF résumé, through the routes: what it holds, how it links, who may download it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portfolio.exports import pdf
from portfolio.extensions import db
from portfolio.models import PortfolioSettings
from portfolio.schemas import rules
from tests.pdf_helpers import fonts_of, lines_of, text_of, uris_of
from tests.test_exports import FULL_PORTFOLIO, add_full_portfolio
from tests.test_public_page import XSS_ATTR, XSS_SCRIPT, save_details, share

PUBLIC_TITLES = [p["title"] for p in FULL_PORTFOLIO if p.get("public")]
PRIVATE = [p for p in FULL_PORTFOLIO if not p.get("public")]
#: Points from the foot of the page to the top of the footer (page numbers) margin.
FOOTER_TOP = 45


def reader_of(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def download(user) -> PdfReader:
    return reader_of(user.client.get("/share/download/portfolio.pdf"))


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Record the HTML each PDF is rendered from (and so how many renders there were)."""
    pages: list[str] = []
    original = pdf.render_pdf

    def spy(html, **kwargs):
        pages.append(html)
        return original(html, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    return pages


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Record every address the renderer is asked for, served or refused."""
    urls: list[str] = []
    original = pdf.StaticFilesOnly.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf.StaticFilesOnly, "fetch", spy)
    return urls


# -- what it holds


def test_pdf_download_needs_login(client):
    response = client.get("/share/download/portfolio.pdf")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_pdf_holds_the_owner_and_every_public_project_and_no_private_one(user):
    add_full_portfolio(user)
    save_details(user, headline="Junior back-end engineer", show_headline="y")
    response = user.client.get("/share/download/portfolio.pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="portfolio.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = text_of(reader_of(response))
    assert "Ada Lovelace" in text
    assert "Junior back-end engineer" in text
    for title in PUBLIC_TITLES:
        assert title in text
    for project in PRIVATE:
        assert project["title"] not in text
        assert project["summary"] not in text
    # Each project with its summary, highlights and description (Markdown rendered).
    assert "Stock levels for 12 shops in one API." in text
    assert "Cut stock-outs by 30%" in text
    assert "Built with Flask." in text and "cron jobs" in text
    assert "**" not in text


def test_every_live_source_and_profile_link_is_an_annotation(user):
    add_full_portfolio(user)
    save_details(user, email="ada@example.com", show_email="y", website="https://ada.example",
                 show_website="y", show_links="y",
                 **{"links-0-network": "GitHub", "links-0-url": "https://github.com/ada",
                    "links-0-username": "ada"})  # fmt: skip
    uris = uris_of(download(user))
    for url in ("https://stock.example.com/app?x=1", "https://github.com/ada/stock",
                "https://rota.example.org", "https://ada.example", "https://github.com/ada",
                "mailto:ada@example.com"):  # fmt: skip
        assert url in uris
    # Private projects' links are not in it.
    assert "https://github.com/ada/booking" not in uris


def test_the_shipped_font_is_embedded(user):
    add_full_portfolio(user)
    fonts = fonts_of(download(user))
    assert fonts and all(fonts.values()), fonts
    assert all("Portfolio-Sans" in name for name in fonts), fonts


def test_metadata_names_the_author_only_when_the_name_is_shown(user):
    user.add_project(title="Booking API", public="y")
    save_details(user, headline="Junior back-end engineer", show_headline="y")
    metadata = download(user).metadata
    assert metadata.title == "Ada Lovelace · Junior back-end engineer"
    assert metadata.author == "Ada Lovelace"
    assert metadata.subject == "Junior back-end engineer"
    save_details(user, show_name="")  # the name is stored but not shown
    reader = download(user)
    assert reader.metadata.author is None
    assert reader.metadata.title == "Portfolio"
    assert "Ada Lovelace" not in text_of(reader)


def test_a_long_description_is_cut_with_a_link_to_the_public_page(user):
    words = [f"w{n:03d}" for n in range(400)]
    user.add_project(title="Long story", public="y", description=" ".join(words))
    text = text_of(download(user))
    assert "w000" in text and "w119" in text
    assert "w120" not in text and "w399" not in text
    # Without a public page there is nowhere to send the reader for the rest.
    assert "full description is on the public page" not in text
    path = share(user)
    reader = download(user)
    assert "The full description is on the public page" in text_of(reader)
    assert f"http://localhost{path}" in uris_of(reader)


def test_qr_code_and_page_address_only_when_sharing_is_on(user, rendered):
    user.add_project(title="Booking API", public="y")
    download(user)
    assert 'class="qr-code"' not in rendered[-1]
    path = share(user)
    reader = download(user)
    assert 'class="qr-code"' in rendered[-1]
    assert f"localhost{path}" in text_of(reader)


@pytest.mark.parametrize("paper", sorted(rules.PAPER_SIZES))
def test_demo_portfolio_fits_on_two_pages(user, app, paper):
    """The demo account's portfolio (portfolio/demo.py), loaded into this user's."""
    from portfolio.demo import DEMO_OWNER, DEMO_PROJECTS
    from portfolio.exports import service
    from portfolio.models import User
    from portfolio.projects.services import create_project

    with app.app_context():
        owner = db.session.scalar(select(User))
        for record in DEMO_PROJECTS:
            create_project(owner, record)
        service.update_details(owner, DEMO_OWNER, shown=service.DETAIL_FIELDS)
        service.set_sharing(owner, True)  # the QR code and the page's address too
        service.update_pdf(owner, paper_size=paper, for_visitors=False)
    reader = download(user)
    assert len(reader.pages) <= 2
    text = text_of(reader)
    assert DEMO_OWNER.name in text
    for project in DEMO_PROJECTS:
        assert (project.title in text) is project.public, project.title


def test_a_project_heading_never_ends_a_page(user, app):
    """Many projects of varied length, so page breaks fall at many places in a project."""
    from portfolio.models import User
    from portfolio.projects.record import ProjectRecord
    from portfolio.projects.services import create_project

    titles = [f"Project number {n:02d}" for n in range(60)]
    with app.app_context():
        owner = db.session.scalar(select(User))
        for n, title in enumerate(titles):
            create_project(owner, ProjectRecord(
                title=title, kind="personal", start=date(2020, 1 + n % 12, 1), public=True,
                summary="An API with an admin interface.",
                description=" ".join(["Worked on the service."] * (n * 7 % 11 * 3)),
                highlights=tuple(f"Highlight {k} of {title}" for k in range(n * 3 % 7)),
            ))  # fmt: skip
    reader = download(user)
    assert len(reader.pages) >= 8, "too short to test page breaks"
    for page in reader.pages[:-1]:
        last = lines_of(page, above=FOOTER_TOP)[-1]  # the page's last line above its footer
        assert last not in titles, f"the heading {last!r} ends a page"
        assert not last.startswith("Personal project ·"), f"{last!r} ends a page"


def test_hostile_text_renders_as_text_and_injects_nothing(user, rendered, fetched):
    style = "</style><style>*{color:red}</style>"
    link = '<link rel="stylesheet" href="https://evil.example/x.css">'
    save_details(user, name=XSS_SCRIPT, headline=XSS_ATTR, show_headline="y", bio=link,
                 show_bio="y")  # fmt: skip
    user.add_project(
        title=XSS_SCRIPT, summary=style, organisation=XSS_ATTR, public="y",
        highlights="[click](javascript:alert(1))\n<img src=https://evil.example/p.png>",
        description=(
            '<img src="https://evil.example/d.png"> <style>h4{display:none}</style>'
            '<b style="color:red">loud</b> [js](javascript:alert(2)) <script>alert(3)</script>'
            '\n\n<link rel="stylesheet" href="https://evil.example/y.css">'
        ),
    )  # fmt: skip
    share(user)
    text = text_of(download(user))
    assert "<script>alert(1)</script>" in text  # the title, as text
    assert style in text  # the summary, as text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "[click](javascript:alert(1))" in text  # a highlight is plain text
    assert "loud" in text and "alert(3)" not in text
    (html,) = rendered
    body = html[html.index("<body>") :]
    for tag in ("<script", "<style", "<img", "<link", "<iframe", "<object"):
        assert tag not in body, tag
    assert "style=" not in body
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")
    assert html.count("<link") == 1  # our own print stylesheet
    assert fetched and all(url.startswith("file://") and "/static/" in url for url in fetched)


# -- caching


def test_pdf_is_rendered_once_per_version(user, rendered):
    user.add_project(title="Booking API", public="y")
    first = user.client.get("/share/download/portfolio.pdf").data
    assert user.client.get("/share/download/portfolio.pdf").data == first
    assert len(rendered) == 1
    user.add_project(title="Another API", public="y")
    assert "Another API" in text_of(download(user))
    assert len(rendered) == 2


# -- the owner's settings


def test_pdf_settings_default_to_a4_and_visitors_off(user):
    html = user.client.get("/share").get_data(as_text=True)
    assert re.search(r'<input checked id="paper_size-0" name="paper_size" type="radio" value="a4">',
                     html)  # fmt: skip
    assert 'id="pdf_for_visitors"' in html
    assert not re.search(r'<input checked id="pdf_for_visitors"', html)
    assert ">PDF</a>" in html  # the download, on Share & export
    box = download(user).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_letter_paper_is_a_setting(user, app):
    response = user.post("/share/pdf", {"paper_size": "letter"}, form_path="/share")
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.scalar(select(PortfolioSettings))
        assert (settings.paper_size, settings.pdf_for_visitors) == ("letter", False)
    box = download(user).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "on US Letter paper" in user.client.get("/share").get_data(as_text=True)


@pytest.mark.parametrize("paper", ["", "a3", "<script>"])
def test_unknown_paper_size_is_refused_with_the_rules_message(user, paper):
    response = user.post("/share/pdf", {"paper_size": paper, "pdf_for_visitors": "y"},
                         form_path="/share")  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="paper_size-error">{rules.PAPER_REQUIRED}' in html
    assert "<script>" not in html[html.index("<main") :]


def test_pdf_settings_need_a_csrf_token(user):
    response = user.client.post("/share/pdf", data={"paper_size": "letter"})
    assert response.status_code == 400


# -- visitors


def test_visitors_get_the_pdf_only_when_the_owner_allows(user):
    user.add_project(title="Open booking API", public="y")
    user.add_project(title="Secret side project")
    path = share(user)
    page = user.client.get(path).get_data(as_text=True)
    assert "Download PDF" not in page
    assert user.client.get(f"{path}/portfolio.pdf").status_code == 404

    user.post("/share/pdf", {"paper_size": "a4", "pdf_for_visitors": "y"}, form_path="/share")
    user.logout()
    page = user.client.get(path).get_data(as_text=True)
    assert f'<a href="{path}/portfolio.pdf" download>Download PDF</a>' in page
    response = user.client.get(f"{path}/portfolio.pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="portfolio.pdf"'
    text = text_of(reader_of(response))
    assert "Open booking API" in text
    assert "Secret side project" not in text
    # The HTML download has no server behind it: no link to the PDF there.
    user.login()
    assert "Download PDF" not in user.client.get("/share/download/portfolio.html").get_data(
        as_text=True
    )


def test_public_pdf_follows_the_pages_indexing_rules_and_answers_304(user):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    user.post("/share/pdf", {"paper_size": "a4", "pdf_for_visitors": "y"}, form_path="/share")
    response = user.client.get(f"{path}/portfolio.pdf")
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    etag = response.headers["ETag"]
    again = user.client.get(f"{path}/portfolio.pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    user.post("/share/appearance", {"theme": "clean", "group_by": "kind"}, form_path="/share")
    response = user.client.get(f"{path}/portfolio.pdf")
    assert response.status_code == 200
    assert "X-Robots-Tag" not in response.headers


def test_public_pdf_closes_with_the_page(user):
    user.add_project(title="Booking API", public="y")
    path = share(user)
    user.post("/share/pdf", {"paper_size": "a4", "pdf_for_visitors": "y"}, form_path="/share")
    assert user.client.get(f"{path}/portfolio.pdf").status_code == 200
    user.post("/share/rotate", form_path="/share")
    assert user.client.get(f"{path}/portfolio.pdf").status_code == 404
    user.post("/share/sharing", {"enabled": "off"}, form_path="/share")
    assert user.client.get("/p/not-a-real-token/portfolio.pdf").status_code == 404


# -- the migration


def test_migration_gives_existing_portfolios_the_pdf_defaults(fresh_database_url):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from portfolio import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with app.app_context():
        upgrade(revision="0002")
        db.session.execute(text(
            'INSERT INTO "user" (id, email, display_name, password_hash, created_at, '
            "target_profile, portfolio_changed_at, session_token) VALUES (1, 'a@example.com', "
            "'A', 'x', '2025-01-01', 'back-end-engineer', '2025-01-01', 'token')"
        ))  # fmt: skip
        db.session.execute(text(
            "INSERT INTO portfolio_settings (user_id, name, headline, bio, location, email, "
            "website, links, shown, share_enabled, theme, group_by, noindex, show_badge) "
            "VALUES (1, 'A', '', '', '', '', '', '[]', '[]', false, 'clean', 'kind', true, false)"
        ))  # fmt: skip
        db.session.commit()
        upgrade(revision="0003")
        row = db.session.execute(
            text("SELECT pdf_for_visitors, paper_size FROM portfolio_settings")
        ).one()
        assert (bool(row[0]), row[1]) == (False, "a4")
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("portfolio_settings")}
        assert not columns["pdf_for_visitors"]["nullable"]
        assert columns["paper_size"]["default"] is None  # the models give new rows theirs
        db.session.remove()
        downgrade(revision="0002")
        columns = {c["name"] for c in inspect(db.engine).get_columns("portfolio_settings")}
        assert not {"pdf_for_visitors", "paper_size"} & columns
        db.session.remove()
        db.engine.dispose()


def test_pdf_query_count_does_not_grow_with_projects(user, client, app):
    from sqlalchemy import event

    from portfolio.models import Project, ProjectTechnology, User, utcnow

    def add_public_projects(count: int) -> None:
        with app.app_context():
            owner = db.session.scalar(select(User))
            for n in range(count):
                start = date(2024, 1 + n % 12, 1)
                project = Project(user_id=owner.id, title=f"P{n}", kind="personal",
                                  start=start, highlights=[], public=True)  # fmt: skip
                project.technologies = [ProjectTechnology(name="Python", position=0)]
                db.session.add(project)
            owner.portfolio_changed_at = utcnow()  # as the services do: a new version
            db.session.commit()

    def queries() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/share/download/portfolio.pdf").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    add_public_projects(3)
    few = queries()
    add_public_projects(30)
    assert queries() == few
