"""Database models, SQLAlchemy 2.0 style.

The schema holds everything the product stores: accounts, projects and their
technologies, the owner's public details and sharing settings, custom role profiles,
the history of readiness scores and personal API tokens.
"""

from __future__ import annotations

import secrets
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portfolio.extensions import db

DEFAULT_PROFILE = "back-end-engineer"


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    """Return a random token for the login cookies."""
    return secrets.token_urlsafe(32)


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
    # What the session and remember-me cookies name instead of the id: a deleted
    # account's id can be given to a new one, and a new password must end old sessions.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    projects: Mapped[list[Project]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )
    settings: Mapped[PortfolioSettings | None] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        """Return what the login cookies store to find this user again."""
        return self.session_token

    def set_password(self, password: str, *, method: str = "scrypt") -> None:
        """Store a salted hash of the password and end every other session."""
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = new_session_token()

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
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
