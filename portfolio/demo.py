"""The demo account: a realistic portfolio so a newcomer can see the product full."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from portfolio.auth.services import find_user_by_email, password_hash_method, register_user
from portfolio.exports.service import DETAIL_FIELDS, update_details
from portfolio.extensions import db
from portfolio.models import Project, User
from portfolio.projects.record import PortfolioOwner, ProfileLink, ProjectRecord
from portfolio.projects.services import create_project

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "portfolio demo tour"  # noqa: S105  (a published demo login, not a secret)

DEMO_OWNER = PortfolioOwner(
    name="Alex Demo",
    headline="Junior back-end engineer",
    bio="Self-taught back-end developer: PHP and Python by day, SQL by night. "
    "Looking for a first full-time role in a team that reviews its code.",
    location="Leeds, UK",
    email="demo@example.com",
    website="https://alex.example.com",
    links=(
        ProfileLink("GitHub", "https://github.com/example", "example"),
        ProfileLink("LinkedIn", "https://www.linkedin.com/in/example", "example"),
    ),
)

DEMO_PROJECTS: tuple[ProjectRecord, ...] = (
    ProjectRecord(
        title="Booking API for a physiotherapy clinic",
        kind="paid",
        organisation="Riverside Physio",
        role="Freelance back-end developer",
        start=date(2025, 9, 1),
        ongoing=True,
        summary="REST API and admin for online appointment booking.",
        description=(
            "Designed the schema and built a **Flask** API that the clinic's front-end "
            "developer consumes.\n\n- Double-booking prevented with row locks\n"
            "- Nightly backups to object storage"
        ),
        highlights=(
            "Cut phone bookings by 40% in the first two months",
            "95% test coverage with pytest",
        ),
        live_url="https://booking.example.com",
        technologies=("Python", "Flask", "PostgreSQL", "REST APIs", "Automated testing", "Docker"),
        public=True,
        featured=True,
    ),
    ProjectRecord(
        title="Order export service",
        kind="paid",
        organisation="Halden Print Co.",
        role="Contract PHP developer",
        start=date(2024, 11, 1),
        end=date(2025, 4, 1),
        summary="Nightly export of web orders into the print shop's ERP.",
        highlights=("Replaced a manual 2-hour daily task",),
        technologies=("PHP", "Laravel", "MySQL", "Linux", "Debugging"),
        public=True,
    ),
    ProjectRecord(
        title="Summer internship: content platform",
        kind="internship",
        organisation="Brightwave Digital (agency)",
        role="Back-end intern",
        start=date(2024, 6, 1),
        end=date(2024, 9, 1),
        summary="Built features for client sites on a Symfony platform.",
        description="Paired with senior developers; shipped three features behind flags.",
        highlights=("Shipped a search endpoint used on 4 client sites", "Took part in code review"),
        technologies=("PHP", "Symfony", "MySQL", "Code review", "Git", "JavaScript"),
        public=True,
    ),
    ProjectRecord(
        title="Food bank volunteer rota",
        kind="volunteer",
        organisation="Northside Food Bank",
        role="Volunteer developer",
        start=date(2024, 1, 1),
        end=date(2024, 5, 1),
        summary="Rota and stock app that replaced a shared spreadsheet.",
        highlights=("Used weekly by 60 volunteers",),
        live_url="https://rota.example.org",
        source_url="https://github.com/example/foodbank-rota",
        technologies=("Ruby", "Ruby on Rails", "PostgreSQL", "HTML", "CSS"),
        public=True,
    ),
    ProjectRecord(
        title="Charity shop stock tracker",
        kind="volunteer",
        organisation="Hope Charity Shops",
        role="Volunteer",
        start=date(2023, 9, 1),
        end=date(2023, 12, 1),
        summary="Barcode-based stock tracking for three shops.",
        technologies=("Python", "Django", "SQLite"),
        public=False,
    ),
    ProjectRecord(
        title="Personal finance tracker",
        kind="personal",
        role="Sole developer",
        start=date(2025, 2, 1),
        end=date(2025, 6, 1),
        summary="Imports bank CSVs and categorises spending.",
        source_url="https://github.com/example/finance-tracker",
        technologies=("Java", "Spring Boot", "PostgreSQL", "Unit testing"),
        public=True,
    ),
    ProjectRecord(
        title="Recipe search engine",
        kind="personal",
        start=date(2024, 10, 1),
        end=date(2024, 12, 1),
        summary="Full-text search over 20,000 recipes.",
        live_url="https://recipes.example.net",
        technologies=("Python", "FastAPI", "Elasticsearch", "Docker"),
        public=True,
    ),
    ProjectRecord(
        title="URL shortener",
        kind="personal",
        start=date(2023, 5, 1),
        end=date(2023, 6, 1),
        summary="A small URL shortener with click statistics.",
        source_url="https://github.com/example/shorty",
        technologies=("Go", "Redis"),
        public=False,
    ),
    ProjectRecord(
        title="Library loans system (coursework)",
        kind="personal",
        start=date(2023, 1, 1),
        end=date(2023, 4, 1),
        summary="Loans and reservations with stored procedures.",
        technologies=("Java", "Oracle", "SQL", "Database design"),
        public=True,
    ),
    ProjectRecord(
        title="Chat bot for a Discord study group",
        kind="personal",
        start=date(2022, 10, 1),
        end=date(2022, 11, 1),
        summary="Reminders and quiz questions for a study group.",
        technologies=("JavaScript", "Node.js"),
        public=False,
    ),
    ProjectRecord(
        title="Help desk ticket reports",
        kind="internship",
        organisation="County Council IT",
        role="IT placement student",
        start=date(2022, 6, 1),
        end=date(2022, 8, 1),
        summary="Weekly ticket reports from SQL Server.",
        technologies=("SQL Server", "T-SQL", "Python"),
        public=False,
    ),
    ProjectRecord(
        title="Community radio schedule site",
        kind="volunteer",
        organisation="Wave FM",
        role="Volunteer web developer",
        start=date(2025, 7, 1),
        ongoing=True,
        summary="Programme schedule with an API used by the station's app.",
        live_url="https://wave.example.org",
        technologies=("PHP", "WordPress", "MySQL", "REST APIs"),
        public=True,
    ),
)


def load_demo(email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> tuple[User, int]:
    """Create the demo account (or reset its projects) and load the demo portfolio."""
    user = find_user_by_email(email)
    if user is None:
        user = register_user(email, "Alex Demo", password)
    else:
        user.set_password(password, method=password_hash_method())
        db.session.execute(delete(Project).where(Project.user_id == user.id))
        db.session.commit()
    for record in DEMO_PROJECTS:
        create_project(user, record)
    update_details(user, DEMO_OWNER, shown=DETAIL_FIELDS)
    return user, len(DEMO_PROJECTS)
