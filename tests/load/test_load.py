"""Load without loss: 5 simulated users for 10 s on gunicorn, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from load_harness import check_database, fresh_postgres_database, run_scenario

pytestmark = pytest.mark.load


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_load_loses_nothing(request, database, tmp_path):
    if database == "sqlite":
        url = f"sqlite:///{tmp_path / 'load.sqlite'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgresql_url"))
    report = run_scenario(database, url, users=5, duration=10, workdir=tmp_path / "run")
    print(report.summary)
    assert report.problems == []
    assert report.failures == 0 and report.requests > 0
    assert report.users == 5 and report.projects > 0


def test_loss_check_sees_missing_duplicated_and_unexpected_projects(app, user, database_url):
    """The harness's database check can fail: it is not a test that always passes."""
    user.add_project(title="Booking API")
    user.add_project(title="Booking API")
    user.add_project(title="Surprise")
    problems = check_database(database_url, {"ada@example.com": ["Booking API", "Lost one"]})
    assert "'Booking API': created 1x, stored 2x" in problems
    assert "'Lost one': created 1x, stored 0x" in problems
    assert "'Surprise': created 0x, stored 1x" in problems
    everything = {"ada@example.com": ["Booking API", "Booking API", "Surprise"]}
    assert check_database(database_url, everything) == []
