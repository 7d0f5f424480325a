"""Simulated portfolio owners: register, log in, add and edit projects, read, export.

Each simulated user records the title of every project the app confirmed it created; on
test stop the titles go to the JSON file named by LOAD_RESULTS, so the harness can check
that each one is in the database exactly once. Any unexpected status or page counts as a
failure.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
PROJECT_URL = re.compile(r"/projects/(\d+)$")
PASSWORD = "load-test-password"

#: email -> titles of the projects the app confirmed it created for that user.
CREATED: dict[str, list[str]] = {}


class PortfolioOwner(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.email = f"load-{uuid.uuid4().hex[:16]}@example.com"
        self.projects: dict[int, str] = {}
        self.serial = 0
        CREATED[self.email] = []
        self._submit("/auth/register", {
            "email": self.email, "display_name": "Load tester",
            "password": PASSWORD, "confirm": PASSWORD,
        }, expect="/dashboard")  # fmt: skip
        self._submit("/auth/logout", {}, form_path="/dashboard", expect="/auth/login")
        self._submit(
            "/auth/login", {"email": self.email, "password": PASSWORD}, expect="/dashboard"
        )

    def _token(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            match = CSRF.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"no form at {path} (status {response.status_code})")
                return None
            return match.group(1)

    def _submit(self, path: str, data: dict, *, form_path: str | None = None,
                expect: str | None = None, name: str | None = None):  # fmt: skip
        """Fetch the form for its CSRF token, post it, and check where it led."""
        name = name or path
        token = self._token(form_path or path, f"{name} [form]")
        if token is None:
            return None
        with self.client.post(
            path, data={**data, "csrf_token": token}, name=name, catch_response=True
        ) as response:
            if response.status_code != 200 or (expect and expect not in response.url):
                response.failure(f"{path} answered {response.status_code} at {response.url}")
                return None
            return response

    @task(3)
    def add_project(self) -> None:
        self.serial += 1
        title = f"{self.email} project {self.serial}"
        response = self._submit("/projects/new", {
            "title": title, "kind": random.choice(["personal", "volunteer", "paid"]),
            "start": "2025-01", "summary": "Written under load",
            "technologies": "Python, Flask, PostgreSQL",
        }, expect="/projects/", name="/projects/new")  # fmt: skip
        if response is None:
            return
        match = PROJECT_URL.search(response.url)
        if match is None:
            response.failure(f"creating a project led to {response.url}")
            return
        self.projects[int(match.group(1))] = title
        CREATED[self.email].append(title)

    @task(2)
    def edit_project(self) -> None:
        if not self.projects:
            return
        project_id, title = random.choice(list(self.projects.items()))
        self._submit(f"/projects/{project_id}/edit", {
            "title": title, "kind": "personal", "start": "2025-02",
            "summary": f"Edited {uuid.uuid4().hex[:8]}", "technologies": "Python, Redis",
        }, expect=f"/projects/{project_id}", name="/projects/[id]/edit")  # fmt: skip

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/dashboard")

    @task(3)
    def list_projects(self) -> None:
        self.client.get("/projects/")

    @task(1)
    def export(self) -> None:
        with self.client.get(
            "/auth/account/export.json", name="/auth/account/export.json", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"export answered {response.status_code}")
                return
            titles = sorted(p["title"] for p in response.json()["projects"])
            if titles != sorted(self.projects.values()):
                response.failure("export does not match the projects this user created")


@events.test_stop.add_listener
@events.quitting.add_listener
def write_results(**_kwargs) -> None:
    """Write what each simulated user created, for the harness to check."""
    path = os.environ.get("LOAD_RESULTS")
    if path:
        with open(path, "w") as handle:
            json.dump(CREATED, handle)
