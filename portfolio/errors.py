"""Error pages: 400, 403, 404, 405, 413 and 500, as HTML or JSON for the API."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from portfolio.api.problems import ApiProblem, from_api_problem, problem_response
from portfolio.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """Render friendly pages for HTTP errors and roll back on server errors."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template(
            "errors/error.html",
            code=400,
            title="The form expired",
            message="The form was missing its security token or it was out of date. "
            "Go back, reload the page and try again.",
        ), 400

    @app.errorhandler(ApiProblem)
    def api_problem(problem: ApiProblem):
        return from_api_problem(problem)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, SecurityError):
            # A Host header TRUSTED_HOSTS does not list: no page can be built for it
            # (its links would name that host), so a plain answer.
            return Response(
                "This site does not answer to that host name.\n", 400, mimetype="text/plain"
            )
        if _wants_json():
            # RFC 9457 problem details; keep the error's own headers (Allow on a 405).
            return problem_response(
                error.code or 500, error.description, headers=error.get_headers()
            )
        messages = {
            403: "You do not have access to this page.",
            404: "There is nothing here. It may have been deleted, or the address is wrong.",
            413: "That upload or form is too large.",
        }
        return render_template(
            "errors/error.html",
            code=error.code,
            title=error.name,
            message=messages.get(error.code or 500, error.description),
        ), error.code

    @app.errorhandler(500)
    def server_error(error):
        # Whatever the failed request half-did must not leak into the next one.
        db.session.rollback()
        if _wants_json():
            return problem_response(500, "Something went wrong on our side; nothing was saved.")
        return render_template(
            "errors/error.html",
            code=500,
            title="Something went wrong",
            message="We could not finish that. Nothing you had already saved is lost.",
        ), 500
