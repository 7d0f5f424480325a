"""Share and export views: the owner's settings and downloads, and the public page."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from portfolio.caching import cache
from portfolio.exports import service
from portfolio.exports.description import description_html
from portfolio.exports.forms import (
    LINK_ROWS,
    MAX_LINK_ROWS,
    ActionForm,
    AppearanceForm,
    DetailsForm,
    ImportConfirmForm,
    ImportUploadForm,
    PdfSettingsForm,
    SharingForm,
)
from portfolio.exports.grouping import group_projects, group_technologies
from portfolio.exports.jsonld import dump_jsonld, person_jsonld
from portfolio.exports.jsonresume import ResumeImportError
from portfolio.exports.links import http_url
from portfolio.projects.record import KIND_LABELS
from portfolio.projects.services import check_project_quota
from portfolio.schemas import rules
from portfolio.schemas.base import problems
from portfolio.schemas.details import DetailsIn
from portfolio.technologies.catalogue import get_catalogue

bp = Blueprint("exports", __name__)

PUBLIC_CSS = Path(__file__).resolve().parents[2] / "static" / "public.css"
# Bump when the PDF's layout changes, so cached and conditional copies are renewed.
_PDF_VERSION = "1"


# --------------------------------------------------------------------------
# The owner's pages


@bp.route("/share")
@login_required
def index():
    """Show sharing status, appearance, downloads and import."""
    settings = service.settings_of(current_user)
    appearance = AppearanceForm(
        formdata=None,
        theme=settings.theme,
        group_by=settings.group_by,
        noindex=settings.noindex,
        show_badge=settings.show_badge,
    )
    return _render_index(settings, appearance=appearance)


def _render_index(settings, *, appearance=None, upload=None, pdf=None, status=200):
    public_count = len(service.public_records(current_user))
    return (
        render_template(
            "exports/index.html",
            settings=settings,
            public_url=_public_url(settings),
            public_count=public_count,
            # The form turns sharing to the opposite of what it is now.
            sharing_form=SharingForm(
                formdata=None, enabled="off" if settings.share_enabled else "on"
            ),
            action_form=ActionForm(formdata=None),
            appearance=appearance or AppearanceForm(formdata=None),
            upload=upload or ImportUploadForm(formdata=None),
            pdf=pdf
            or PdfSettingsForm(
                formdata=None,
                paper_size=settings.paper_size or rules.DEFAULT_PAPER,
                pdf_for_visitors=settings.pdf_for_visitors,
            ),
            paper_label=rules.PAPER_SIZES.get(
                settings.paper_size, rules.PAPER_SIZES[rules.DEFAULT_PAPER]
            ),
        ),
        status,
    )


def _public_url(settings) -> str | None:
    if not (settings.share_enabled and settings.share_token):
        return None
    return url_for("exports.public", token=settings.share_token, _external=True)


@bp.route("/share/sharing", methods=["POST"])
@login_required
def sharing():
    """Turn the public page on or off."""
    form = SharingForm()
    if form.validate_on_submit():
        enabled = form.enabled.data == "on"
        service.set_sharing(current_user, enabled)
        if enabled:
            flash("Your public page is on. Anyone with its address can open it.", "success")
        else:
            flash("Your public page is off. Its address now answers “not found”.", "info")
    return redirect(url_for("exports.index"))


@bp.route("/share/rotate", methods=["POST"])
@login_required
def rotate():
    """Give the public page a new address; the old one stops working."""
    form = ActionForm()
    if form.validate_on_submit():
        service.rotate_token(current_user)
        flash("Your public page has a new address. The old one no longer works.", "success")
    return redirect(url_for("exports.index"))


@bp.route("/share/appearance", methods=["POST"])
@login_required
def appearance():
    """Save the public page's theme, grouping, indexing and badge choices."""
    form = AppearanceForm()
    if form.validate_on_submit():
        service.update_appearance(
            current_user,
            theme=form.theme.data,
            group_by=form.group_by.data,
            noindex=bool(form.noindex.data),
            show_badge=bool(form.show_badge.data),
        )
        flash("Appearance saved.", "success")
        return redirect(url_for("exports.index"))
    return _render_index(service.settings_of(current_user), appearance=form, status=422)


@bp.route("/share/pdf", methods=["POST"])
@login_required
def pdf_settings():
    """Save the PDF's paper size and whether visitors to the public page may download it."""
    form = PdfSettingsForm()
    if form.validate_on_submit():
        choice = form.validated
        service.update_pdf(
            current_user, paper_size=choice.paper_size, for_visitors=choice.pdf_for_visitors
        )
        flash("PDF settings saved.", "success")
        return redirect(url_for("exports.index"))
    return _render_index(service.settings_of(current_user), pdf=form, status=422)


@bp.route("/share/details", methods=["GET", "POST"])
@login_required
def details():
    """Edit what the public page says about the owner, field by field."""
    settings = service.settings_of(current_user)
    if request.method == "GET":
        # Every stored link gets a row (an import may bring more than the usual five),
        # plus one empty row to add another, and at least LINK_ROWS rows in all.
        links = list(settings.links or [])[:MAX_LINK_ROWS]
        rows = min(MAX_LINK_ROWS, max(LINK_ROWS, len(links) + 1))
        form = DetailsForm(
            formdata=None,
            name=settings.name or current_user.display_name,
            headline=settings.headline,
            bio=settings.bio,
            location=settings.location,
            email=settings.email,
            website=settings.website,
            links=links + [{}] * (rows - len(links)),
            **{f"show_{name}": name in (settings.shown or []) for name in service.DETAIL_FIELDS},
        )
        # Details saved before today's rules open on the fields to fix.
        form.show_problems(problems(DetailsIn, form.schema_input()))
    else:
        form = DetailsForm()
    if form.validate_on_submit():
        details = form.validated
        service.update_details(current_user, details.to_owner(), details.shown)
        flash("Your details are saved.", "success")
        return redirect(url_for("exports.details"))
    status = 422 if form.errors else 200
    return render_template("exports/details.html", form=form), status


# --------------------------------------------------------------------------
# Downloads


@bp.route("/share/download/portfolio.html")
@login_required
def download_html():
    """Download the public page as one self-contained HTML file."""
    settings = service.settings_of(current_user)
    version = service.SharedPortfolio(user=current_user, settings=settings).etag

    def render() -> str:
        context = _page_context(current_user, settings, page_url="")
        return render_template(
            "exports/standalone.html",
            inline_css=Markup(_inline_css()),  # noqa: S704 (our own stylesheet, not user text)
            **context,
        )

    # The etag changes with anything the file shows, so it keys the cached render.
    html = cache("shared_outputs").get_or_compute(("download", version), render)
    return _attachment(html, "portfolio.html", "text/html; charset=utf-8")


@bp.route("/share/download/portfolio.pdf")
@login_required
def download_pdf():
    """Download the public page as a PDF résumé."""
    settings = service.settings_of(current_user)
    body = _pdf(current_user, settings, page_url=_public_url(settings) or "")
    response = Response(body, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="portfolio.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf(user, settings, *, page_url: str) -> bytes:
    """Return the PDF of what the public page shows, rendered once per version."""
    version = service.SharedPortfolio(user=user, settings=settings).etag
    paper = settings.paper_size if settings.paper_size in rules.PAPER_SIZES else rules.DEFAULT_PAPER

    def render() -> bytes:
        # WeasyPrint loads Pango on import: only the PDF views need it.
        from portfolio.exports import pdf

        context = _page_context(user, settings, page_url=page_url)
        context.update(
            # A description is cut after its word budget; the rest is on the public page.
            describe=lambda text: description_html(
                text, top_heading=5, word_budget=rules.PDF_DESCRIPTION_WORDS
            ),
            qr=pdf.qr_svg(page_url, label="QR code: the online portfolio") if page_url else None,
            display_url=pdf.display_url,
        )
        html = render_template("exports/pdf.html", **context)
        return pdf.render_pdf(html, static_folder=Path(current_app.static_folder), paper=paper)

    # The version changes with anything the file shows (paper included, as every
    # settings change bumps it); the address is in the file, as a link and a QR code.
    return cache("pdf").get_or_compute(("pdf", _PDF_VERSION, version, page_url, paper), render)


@bp.route("/share/download/resume.json")
@login_required
def download_json_resume():
    """Download a JSON Resume: public projects by default, everything with scope=all."""
    everything = request.args.get("scope") == "all"
    resume = service.export_json_resume(current_user, public_only=not everything)
    body = json.dumps(resume, ensure_ascii=False, indent=2) + "\n"
    name = "resume-everything.json" if everything else "resume.json"
    return _attachment(body, name, "application/json; charset=utf-8")


@bp.route("/share/download/README.md")
@login_required
def download_markdown():
    """Download the public portfolio as README-style Markdown."""
    return _attachment(
        service.export_markdown(current_user), "README.md", "text/markdown; charset=utf-8"
    )


def _attachment(body: str, filename: str, mimetype: str) -> Response:
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _inline_css() -> str:
    # Read once per process: the stylesheet only changes with a deploy.
    css = current_app.extensions.get("public_css")
    if css is None:
        css = PUBLIC_CSS.read_text(encoding="utf-8").replace("</", "<\\/")
        current_app.extensions["public_css"] = css
    return css


# --------------------------------------------------------------------------
# Import


@bp.route("/share/import", methods=["POST"])
@login_required
def import_upload():
    """Check an uploaded JSON Resume and preview what importing it would do."""
    form = ImportUploadForm()
    settings = service.settings_of(current_user)
    if not form.validate_on_submit():
        return _render_index(settings, upload=form, status=422)
    raw = form.file.data.read(service.IMPORT_MAX_BYTES + 1)
    try:
        preview = service.plan_import(current_user, raw)
        check_project_quota(current_user, len(preview.new))
    except ResumeImportError as error:
        form.file.errors = [str(problem) for problem in error.problems]
        return _render_index(settings, upload=form, status=422)
    except rules.QuotaError as error:
        form.file.errors = [error.message]
        return _render_index(settings, upload=form, status=422)
    confirm = ImportConfirmForm(formdata=None, document=raw.decode("utf-8-sig"))
    return render_template("exports/import_preview.html", preview=preview, form=confirm)


@bp.route("/share/import/confirm", methods=["POST"])
@login_required
def import_confirm():
    """Import the previewed file, checking it again, in one transaction."""
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        flash("The import could not be confirmed. Upload the file again.", "error")
        return redirect(url_for("exports.index"))
    try:
        preview = service.plan_import(current_user, form.document.data)
    except ResumeImportError as error:
        upload = ImportUploadForm(formdata=None)
        upload.file.errors = [str(problem) for problem in error.problems]
        return _render_index(service.settings_of(current_user), upload=upload, status=422)
    try:
        result = service.apply_import(
            current_user, preview.plan, include_details=bool(form.include_details.data)
        )
    except rules.QuotaError as error:
        upload = ImportUploadForm(formdata=None)
        upload.file.errors = [error.message]
        return _render_index(service.settings_of(current_user), upload=upload, status=422)
    message = f"Imported {result.created} project{'s' if result.created != 1 else ''}"
    if result.skipped:
        message += f"; {result.skipped} already in your portfolio, skipped"
    if result.details_updated:
        message += "; your details were updated"
    if result.refused:
        message += (
            f"; {result.refused} entr{'ies' if result.refused != 1 else 'y'} "
            "could not be imported (the preview said why)"
        )
    flash(message + ".", "success")
    return redirect(url_for("projects.index"))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """Explain an upload over the request size limit instead of a bare error page."""
    if not current_user.is_authenticated:
        return render_template(
            "errors/error.html", code=413, title="Too large", message="That upload is too large."
        ), 413
    upload = ImportUploadForm(formdata=None)
    upload.file.errors = [
        "file: is far larger than the 400 kB an import allows; choose a smaller file."
    ]
    return _render_index(service.settings_of(current_user), upload=upload, status=413)


# --------------------------------------------------------------------------
# The public page


@bp.route("/p/<token>")
def public(token: str):
    """Show the shared portfolio to anyone with its address; answer 304 when unchanged."""
    shared = service.find_shared(token)
    if shared is None:
        abort(404)
    response = Response()
    response.set_etag(shared.etag)
    response.last_modified = _last_modified_header(shared.last_modified)
    response.cache_control.no_cache = True
    _public_headers(response, shared.settings)
    # Answer a conditional GET before loading any project: the common case is cheap.
    if _not_modified(shared):
        response.status_code = 304
        return response
    page_url = url_for("exports.public", token=token, _external=True)

    def render() -> str:
        context = _page_context(shared.user, shared.settings, page_url=page_url)
        return render_template("exports/public.html", **context)

    # Anyone may ask for this page, often: render it once per version of what it shows.
    key = ("page", shared.etag, page_url)
    response.set_data(cache("shared_outputs").get_or_compute(key, render))
    response.content_type = "text/html; charset=utf-8"
    return response


@bp.route("/p/<token>/portfolio.pdf")
def public_pdf(token: str):
    """Let anyone with the public page's address download its PDF, if the owner allows."""
    shared = service.find_shared(token)
    if shared is None or not shared.settings.pdf_for_visitors:
        abort(404)
    etag = f"{shared.etag}-pdf{_PDF_VERSION}"
    response = Response(content_type="application/pdf")
    response.set_etag(etag)
    response.cache_control.no_cache = True
    _public_headers(response, shared.settings)
    if request.if_none_match and request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    page_url = url_for("exports.public", token=token, _external=True)
    response.set_data(_pdf(shared.user, shared.settings, page_url=page_url))
    response.headers["Content-Disposition"] = 'attachment; filename="portfolio.pdf"'
    return response


def _not_modified(shared: service.SharedPortfolio) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(shared.etag)
    if request.if_modified_since:
        # HTTP dates have whole seconds: a change later in the same second as the copy
        # the client holds would look unchanged. Only a date at or after the end of the
        # change's second proves the client's copy is current.
        return _end_of_second(shared.last_modified) <= request.if_modified_since
    return False


def _end_of_second(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _last_modified_header(changed: datetime) -> datetime:
    """Return the Last-Modified to send: the end of the change's second once it is over."""
    end = _end_of_second(changed)
    if end <= datetime.now(UTC):
        return end
    # The second is still running and may hold another change: name its start, which
    # _not_modified never accepts, so the next request gets the page, not 304.
    return changed.replace(microsecond=0)


def _public_headers(response: Response, settings) -> None:
    if settings.noindex:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # The address is the secret: never send it to the sites the page links to.
    response.headers["Referrer-Policy"] = "no-referrer"


def _page_context(user, settings, *, page_url: str) -> dict:
    """Gather everything the public page and the HTML download show."""
    projects = service.public_records(user)
    owner = service.owner_from_settings(settings)
    badge = service.badge_for(user, projects, date.today()) if settings.show_badge else None
    return {
        "owner": owner,
        "settings": settings,
        "groups": group_projects(projects, settings.group_by or "kind"),
        "skills": group_technologies(projects, get_catalogue()),
        "project_count": len(projects),
        "badge": badge,
        "page_url": page_url,
        "jsonld": Markup(dump_jsonld(person_jsonld(owner, projects, page_url))),  # noqa: S704
        "kind_labels": KIND_LABELS,
        "safe_url": http_url,
        "describe": description_html,
        # Offered on the public page only: the HTML download has no server to ask.
        "pdf_url": (
            url_for("exports.public_pdf", token=settings.share_token)
            if page_url and settings.pdf_for_visitors and settings.share_token
            else None
        ),
    }
