"""Database models, SQLAlchemy 2.0 style.

The schema holds everything the product stores: accounts, projects and their
technologies, the owner's public details and sharing settings, custom role profiles,
the history of readiness scores and personal API tokens, and the first answers to
writes sent with a key (API Idempotency-Keys, the add form's one-time tokens).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.extensions import db
from portfolio.schemas import rules

DEFAULT_PROFILE = "back-end-engineer"


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    target_profile: Mapped[str] = mapped_column(String(120), default=DEFAULT_PROFILE)
    # Bumped on every change to the portfolio; drives ETags and cache keys.
    portfolio_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    projects: Mapped[list[Project]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )
    settings: Mapped[PortfolioSettings | None] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    #: The secret of the login session this request runs under (see auth/sessions.py);
    #: never stored, only its hash is (LoginSession.token_hash).
    session_secret = None

    # A user is the same user as another only if it is the same row: the login cookies'
    # id (get_id) differs from one device to the next.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        """Return what the login cookies store: the secret of this device's session.

        Never the user's id: a deleted account's id can be given to a new one, and
        logging out must leave a copied cookie naming nothing.
        """
        if not self.session_secret:
            raise RuntimeError("no login session: start one with auth.sessions.start_session")
        return self.session_secret

    def set_password(self, password: str, *, method: str = "scrypt") -> None:
        """Store a salted hash of the password."""
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Return whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class Project(db.Model):
    __tablename__ = "project"
    __table_args__ = (Index("ix_project_user_start", "user_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    highlights: Mapped[list[str]] = mapped_column(JSON, default=list)
    live_url: Mapped[str] = mapped_column(String(2000), default="")
    source_url: Mapped[str] = mapped_column(String(2000), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Counts the saved changes (1 when created). SQLAlchemy bumps it on every UPDATE and
    # refuses one whose row another request changed first (StaleDataError): the edit
    # forms and the API's ETags carry it, so a stale save cannot silently win.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    owner: Mapped[User] = relationship(back_populates="projects")
    technologies: Mapped[list[ProjectTechnology]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectTechnology.position",
        passive_deletes=True,
    )

    @property
    def technology_names(self) -> list[str]:
        """Return the project's technology names in the order the user gave them."""
        return [t.name for t in self.technologies]


class ProjectTechnology(db.Model):
    """A technology tag on a project: a canonical catalogue name or the user's own."""

    __tablename__ = "project_technology"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Found in the project's own code by a confirmed analysis (issue 15), with up to
    # rules.CODE_EVIDENCE_LINES lines that show it: [{"path", "line", "text"}]. Imports
    # never set it; a later analysis that no longer finds the technology clears it.
    from_code: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    project: Mapped[Project] = relationship(back_populates="technologies")


class PortfolioSettings(db.Model):
    """What the owner shows on their public portfolio, and whether it is shared."""

    __tablename__ = "portfolio_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120), default="")
    headline: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(2000), default="")
    # [{"network": "GitHub", "url": "https://...", "username": "..."}]
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Names of the fields above the owner chose to show.
    shown: Mapped[list[str]] = mapped_column(JSON, default=list)
    share_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    theme: Mapped[str] = mapped_column(String(20), default="clean")
    group_by: Mapped[str] = mapped_column(String(20), default="kind")
    noindex: Mapped[bool] = mapped_column(Boolean, default=True)
    show_badge: Mapped[bool] = mapped_column(Boolean, default=False)
    # The PDF download: visitors to the public page may fetch it only when the owner
    # allows it; the paper is a key of rules.PAPER_SIZES.
    pdf_for_visitors: Mapped[bool] = mapped_column(Boolean, default=False)
    paper_size: Mapped[str] = mapped_column(String(10), default=rules.DEFAULT_PAPER)

    owner: Mapped[User] = relationship(back_populates="settings")


class CustomProfile(db.Model):
    """A role profile the user made, by hand or from a job advert."""

    __tablename__ = "custom_profile"
    __table_args__ = (UniqueConstraint("user_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ScoreSnapshot(db.Model):
    """A readiness score recorded when the portfolio or the target profile changed."""

    __tablename__ = "score_snapshot"
    __table_args__ = (Index("ix_score_snapshot_user_time", "user_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    profile_slug: Mapped[str] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(db.Model):
    """A personal access token for the JSON API; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    # A key of rules.TOKEN_SCOPES: "read", or "write" (read and write).
    scope: Mapped[str] = mapped_column(String(10), default="write")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginSession(db.Model):
    """A login on one device: what its cookies name, until logout or expiry ends it.

    The cookies carry a random secret; only its SHA-256 is stored. Deleting the row
    ends the session: a copy of either cookie then names nothing.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The browser's User-Agent, shortened; the account page names the device from it.
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # Logged in with a password the current rule refuses: pages wait for a new one.
    needs_new_password: Mapped[bool] = mapped_column(Boolean, default=False)


class IdempotencyKey(db.Model):
    """A write request's key and the first answer to it, so a repeat is answered, not redone.

    ``scope`` is whose key it is: an API token (``token:<id>``) or a user's forms
    (``form:<user id>``). ``status`` stays empty while the first request runs.
    """

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, path, query and body; empty for form tokens.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


# --- Evidence from the code itself (issues 15 and 16) ---------------------------------


class CodeAnalysis(db.Model):
    """One analysis of a repository's code, from upload (or URL) to confirmation.

    The code itself is never stored: the uploaded file waits in a private temporary
    folder until the background job has read it, and only the findings stay here.
    ``status`` goes queued, running, then done or failed; confirming it into a project
    makes it "confirmed". ``attempts`` counts the runs a worker started (one retry when
    a worker dies); ``heartbeat_at`` is refreshed while it runs.
    """

    __tablename__ = "code_analysis"
    __table_args__ = (Index("ix_code_analysis_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # The project it was started from, or confirmed into.
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(10))  # "archive", "bundle" or "url"
    label: Mapped[str] = mapped_column(String(2000))  # the file's name, or the URL
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The temporary file's random name in the uploads folder ("" for a URL, or once read).
    upload_name: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    step: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(String(1000), default="")
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class ProjectCodeEvidence(db.Model):
    """What the latest confirmed analysis of a project's code showed (one per project).

    Findings only: languages by lines, practices with their evidence lines, and with
    history the owner's commits. Re-analysing replaces the row.
    """

    __tablename__ = "project_code_evidence"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(2000))
    analysed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # [{"name", "lines", "files"}]
    languages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"name", "detail", "evidence": [{"path", "line", "text"}]}]
    practices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    commits_yours: Mapped[int | None] = mapped_column(Integer)
    commits_total: Mapped[int | None] = mapped_column(Integer)
    first_commit: Mapped[date | None] = mapped_column(Date)
    last_commit: Mapped[date | None] = mapped_column(Date)
    # The author names of those commits, most first (at most 3); never the emails.
    commit_authors: Mapped[list[str] | None] = mapped_column(JSON)


# --- References (issue 17) ------------------------------------------------------------


class ReferenceRequest(db.Model):
    """A link the owner sent a referee to confirm a project, and the referee's answer.

    Only the SHA-256 of the link's random token is stored (``token_hash``), as with the
    withdrawal link given to the referee (``withdraw_hash``). ``label_name`` and
    ``label_role`` are the owner's own note of who it was sent to: shown to the owner
    only; what a reader sees is what the referee typed (``referee_*``). ``confirmed`` is
    a snapshot of exactly what the referee confirmed, with the values they saw, so a
    later edit of the project can be told apart (see references/snapshot.py).

    A request the app mails is stored "sending" with no token at all: the background
    job makes the token, mails the link and only then stores its hash, so the link
    never passes through the queue or the owner's browser (``mail_*`` track its tries).
    """

    __tablename__ = "reference_request"
    __table_args__ = (Index("ix_reference_request_user_project", "user_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    label_name: Mapped[str] = mapped_column(String(120), default="")
    label_role: Mapped[str] = mapped_column(String(120), default="")
    # Only for mailing the link; never shown publicly, and its domain is kept in
    # sent_to_domain once the link is mailed.
    referee_email: Mapped[str] = mapped_column(String(254), default="")
    # None while the link is being mailed: the job stores it when the mail has gone.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # One of references.service.STATES but "expired", worked out from expires_at.
    state: Mapped[str] = mapped_column(String(20), default="waiting")
    # The mailing job: tries so far, when the current try began, why the last one failed.
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mail_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_error: Mapped[str] = mapped_column(String(200), default="")
    # "email" (the app mailed the link) or "link" (the owner passed it on).
    sent_by: Mapped[str] = mapped_column(String(10), default="link")
    sent_to_domain: Mapped[str] = mapped_column(String(253), default="")
    referee_name: Mapped[str] = mapped_column(String(120), default="")
    referee_job_title: Mapped[str] = mapped_column(String(120), default="")
    referee_organisation: Mapped[str] = mapped_column(String(200), default="")
    referee_relationship: Mapped[str] = mapped_column(String(300), default="")
    confirmed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(String(500), default="")
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    show_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    # The owner's choices once it is answered.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_shows_comment: Mapped[bool] = mapped_column(Boolean, default=False)
    withdraw_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The withdrawal link mailed to the referee: a second token, made by the mailing job.
    withdraw_mail_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
