"""Mixed traffic for the cluster: register, log in, add, edit, import, analyse, read.

Each simulated person keeps a journal of what the app acknowledged, for the harness to
check against the database (CLUSTER_JOURNAL names the file, written on stop):

- ``created``: titles of projects the app confirmed creating (the add form's redirect to
  the new project, or an import's 200); ``attempted``: titles of creations it never
  confirmed (the node died and every retry failed too), which may be stored at most once;
- ``edits``: per project, the last summary an edit was confirmed with, and the ones sent
  after it without an answer (any of which may be what is stored); ``edits_confirmed``
  counts the confirmed edits;
- ``reads``: each read made right after a confirmed write, with the node that did the
  write, the node that answered the read (nginx's X-Upstream) and whether it was stale;
- ``analyses``: each code analysis started (a small Laravel archive uploaded through
  nginx), with the node that accepted it and whether its owner, reading its page until
  it stopped refreshing, saw the findings (Laravel among them). Either node's worker may
  run it: the queue is the cluster's Redis.

A write whose answer is lost (nginx answers 502 when the node dies mid-request) is sent
again as it was: the add form with its one-time token, an import with its
Idempotency-Key, so the app does it once. An edit is not resent: the next edit reads a
fresh form. Every request is logged too (its start and end, whether it failed, the
node), so the harness can tell that failures were only the requests in flight at the
kill.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))
from page_forms import form_values

from tests.analyses_helpers import LARAVEL_SHOP, zip_of

PASSWORD = "cluster-load-password"
PROJECT_URL = re.compile(r"/projects/(\d+)$")
TOKEN = re.compile(r'<code id="new-token">([^<]+)</code>')
PUBLIC_URL = re.compile(r'id="public-url">([^<]+)</a>')
ANALYSIS_URL = re.compile(r"/analyses/(\d+)$")
#: What an analysis page shows while its job is queued or running; and once done.
REFRESHING = 'http-equiv="refresh"'
LARAVEL_FOUND = 'value="Laravel"'
#: How long a person reads an analysis page for its findings (seconds, one read each).
ANALYSIS_READS = 60
SHOP_ZIP = zip_of(LARAVEL_SHOP)
#: How often a write whose answer was lost is sent again, and how long apart.
RETRIES = 4
RETRY_PAUSE = 1.0

JOURNAL: dict[str, dict] = {}
REQUESTS: list[dict] = []


def _node(response) -> str:
    # nginx lists every node it tried ("a, b"); the last one answered.
    upstream = (response.headers.get("X-Upstream") or "") if response is not None else ""
    return upstream.rsplit(",", 1)[-1].strip()


def _write_node(response) -> str:
    # A form post answers with a redirect that is then followed: the post's own node.
    first = response.history[0] if response.history else response
    return _node(first)


@events.request.add_listener
def log_request(request_type, name, response_time, exception, response=None,
                start_time=None, **_kwargs) -> None:  # fmt: skip
    """Log every request for the harness: when, what, whether it failed, which node."""
    start = start_time or (time.time() - response_time / 1000)
    REQUESTS.append({
        "method": request_type, "name": name, "start": start,
        "end": start + response_time / 1000, "ok": exception is None,
        "status": getattr(response, "status_code", 0) or 0, "node": _node(response),
        "error": "" if exception is None else str(exception)[:200],
    })  # fmt: skip


class ClusterUser(HttpUser):
    wait_time = between(0.1, 0.6)

    def on_start(self) -> None:
        self.email = f"cluster-{uuid.uuid4().hex[:16]}@example.com"
        self.journal = JOURNAL[self.email] = {
            "created": [], "attempted": [], "edits": {}, "edits_confirmed": 0, "reads": [],
            "analyses": [],
        }  # fmt: skip
        self.projects: dict[int, str] = {}
        self.serial = 0
        self.token = self.public_url = None
        self._send_form("/auth/register", {
            "email": self.email, "display_name": "Cluster tester",
            "password": PASSWORD, "confirm": PASSWORD,
        }, expect="/dashboard")  # fmt: skip
        self._log_in()
        page = self._send_form("/auth/tokens/", {"name": "load", "scope": "write"})
        match = TOKEN.search(page.text) if page is not None else None
        self.token = match.group(1) if match else None
        page = self._send_form("/share/sharing", {"enabled": "on"}, form_path="/share")
        match = PUBLIC_URL.search(page.text) if page is not None else None
        self.public_url = match.group(1) if match else None

    # -- helpers -----------------------------------------------------------------------

    def _form(self, path: str, name: str, having: str, action: str | None = None) -> dict | None:
        for _ in range(2):
            with self.client.get(path, name=f"{name} [form]", catch_response=True) as response:
                if "/auth/login" in response.url and "/auth/login" not in path:
                    # Logged out: a log-in was lost with the node. Log in, then ask again.
                    response.success()
                    self._log_in(log_out=False)
                    continue
                try:
                    return form_values(response.text or "", having=having, action=action)
                except AssertionError:
                    response.failure(f"no form at {path} (status {response.status_code})")
                    return None
        return None

    def _send_form(self, path: str, fields: dict, *, form_path: str | None = None,
                   expect: str | None = None, name: str | None = None):  # fmt: skip
        """Fetch the form, fill it in, post it; return the final response or None.

        The form is the one posting to ``path`` on the page at ``form_path``, or, on the
        page at ``path`` itself, the one holding the first field filled in.
        """
        name = name or path
        having = next(iter(fields), "csrf_token") if form_path is None else "csrf_token"
        form = self._form(form_path or path, name, having, action=path if form_path else None)
        if form is None:
            return None
        with self.client.post(path, data={**form, **fields}, name=name,
                              catch_response=True) as response:  # fmt: skip
            if response.status_code != 200 or (expect and expect not in response.url):
                response.failure(f"{path} answered {response.status_code} at {response.url}")
                return None
            return response

    def _log_in(self, *, log_out: bool = True) -> None:
        if log_out:
            self._send_form("/auth/logout", {}, form_path="/dashboard", expect="/auth/login")
        for attempt in range(RETRIES + 1):
            if attempt:
                time.sleep(RETRY_PAUSE)
            with self.client.get("/auth/login", name="/auth/login [form]",
                                 catch_response=True) as page:  # fmt: skip
                if page.status_code == 200 and "/auth/login" not in page.url:
                    # Sent to the dashboard: still logged in, as a logout whose answer
                    # was lost (its node died) may never have been done.
                    return
                try:
                    form = form_values(page.text or "", having="email")
                except AssertionError:
                    page.failure(f"no login form (status {page.status_code})")
                    continue
            form.update({"email": self.email, "password": PASSWORD})
            with self.client.post("/auth/login", data=form, name="/auth/login",
                                  catch_response=True) as response:  # fmt: skip
                if response.status_code == 200 and "/dashboard" in response.url:
                    return
                response.failure(f"/auth/login answered {response.status_code} at {response.url}")

    def _read_after(self, write_node: str, url: str, expected: str, what: str,
                    **kwargs) -> None:  # fmt: skip
        """Read right after a confirmed write; note the nodes and whether it was stale."""
        with self.client.get(url, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"reading {what} answered {response.status_code}")
                return
            stale = expected not in (response.text or "")
            if stale:
                response.failure(f"stale {what}: {expected!r} missing")
            self.journal["reads"].append([write_node, _node(response), stale, what])

    # -- writes --------------------------------------------------------------------------

    @task(3)
    def add_project(self) -> None:
        self.serial += 1
        title = f"{self.email} project {self.serial}"
        public = random.random() < 0.3
        form = self._form("/projects/new", "/projects/new", "title")
        if form is None:
            return
        form.update({
            "title": title, "kind": random.choice(["personal", "volunteer", "paid"]),
            "start": "2025-01", "summary": "Written under load",
            "technologies": "Python, Flask, PostgreSQL",
        })  # fmt: skip
        if public:
            form["public"] = "y"
        for attempt in range(RETRIES + 1):
            if attempt:
                time.sleep(RETRY_PAUSE)
            # The same form, one-time token and all: the app adds the project once.
            with self.client.post("/projects/new", data=form, name="/projects/new",
                                  catch_response=True) as response:  # fmt: skip
                match = PROJECT_URL.search(response.url or "")
                if response.status_code == 200 and match:
                    self.projects[int(match.group(1))] = title
                    self.journal["created"].append(title)
                    if public and self.public_url:
                        self._read_after(_write_node(response), self.public_url, title,
                                         "public page", name="/p/[token]")  # fmt: skip
                    return
                if response.status_code == 200 and response.url.endswith("/projects/"):
                    # "Already sent and still being saved": the app's answer, not a
                    # failure, but nobody told us the project exists.
                    response.success()
                    break
                response.failure(f"adding answered {response.status_code} at {response.url}")
        self.journal["attempted"].append(title)

    @task(2)
    def edit_project(self) -> None:
        if not self.projects:
            return
        project_id = random.choice(list(self.projects))
        summary = f"Edited {uuid.uuid4().hex[:12]}"
        edits = self.journal["edits"].setdefault(str(project_id), {"acked": None, "later": []})
        response = self._send_form(
            f"/projects/{project_id}/edit", {"summary": summary},
            expect=f"/projects/{project_id}", name="/projects/[id]/edit",
        )  # fmt: skip
        if response is None:
            edits["later"].append(summary)
            return
        edits["acked"], edits["later"] = summary, []
        self.journal["edits_confirmed"] += 1
        self._read_after(_write_node(response), f"/projects/{project_id}", summary,
                         "project page", name="/projects/[id]")  # fmt: skip

    @task(1)
    def edit_through_the_api(self) -> None:
        if not self.projects or not self.token:
            return
        project_id = random.choice(list(self.projects))
        url = f"/api/v1/projects/{project_id}"
        headers = {"Authorization": f"Bearer {self.token}"}
        read = self.client.get(url, headers=headers, name="/api/v1/projects/[id]")
        tag = read.headers.get("ETag")
        if read.status_code != 200 or not tag:
            return
        summary = f"Patched {uuid.uuid4().hex[:12]}"
        edits = self.journal["edits"].setdefault(str(project_id), {"acked": None, "later": []})
        with self.client.patch(url, json={"summary": summary}, name="/api/v1/projects/[id]",
                               headers={**headers, "If-Match": tag},
                               catch_response=True) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"PATCH answered {response.status_code}")
                edits["later"].append(summary)
                return
        edits["acked"], edits["later"] = summary, []
        self.journal["edits_confirmed"] += 1
        self._read_after(_node(response), url, summary, "API project",
                         headers=headers, name="/api/v1/projects/[id]")  # fmt: skip

    @task(1)
    def import_resume(self) -> None:
        if not self.token:
            return
        self.serial += 1
        titles = [f"{self.email} import {self.serial} #{n}" for n in range(3)]
        resume = {"projects": [{"name": title, "startDate": "2024-03"} for title in titles]}
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": uuid.uuid4().hex}
        for attempt in range(RETRIES + 1):
            if attempt:
                time.sleep(RETRY_PAUSE)
            with self.client.post("/api/v1/imports/json-resume", json=resume, headers=headers,
                                  name="/api/v1/imports/json-resume",
                                  catch_response=True) as response:  # fmt: skip
                if response.status_code == 200:
                    self.journal["created"].extend(titles)
                    return
                if response.status_code == 409:
                    # The first request with this key has not answered yet, or never
                    # will (its node died): the app's answer, not a failure.
                    response.success()
                    continue
                response.failure(f"import answered {response.status_code}")
        self.journal["attempted"].extend(titles)

    @task(1)
    def analyse_code(self) -> None:
        """Upload a repository archive, then read its page until the findings are there."""
        form = self._form("/analyses/new", "/analyses/new", "emails")
        if form is None:
            return
        upload = {"file": ("shop.zip", SHOP_ZIP, "application/zip")}
        with self.client.post("/analyses/new", data=form, files=upload, name="/analyses/new",
                              catch_response=True) as response:  # fmt: skip
            match = ANALYSIS_URL.search(response.url or "")
            if response.status_code != 200 or not match:
                response.failure(f"uploading answered {response.status_code} at {response.url}")
                return
            page = response.text or ""
        entry = {"id": int(match.group(1)), "node": _write_node(response), "seen": False}
        self.journal["analyses"].append(entry)
        path = f"/analyses/{entry['id']}"
        for _ in range(ANALYSIS_READS):
            if REFRESHING not in page:
                break
            time.sleep(1)  # as the page's own refresh would
            page = self.client.get(path, name="/analyses/[id]").text or ""
        entry["seen"] = REFRESHING not in page and LARAVEL_FOUND in page

    @task(1)
    def log_in_again(self) -> None:
        self._log_in()

    # -- reads ---------------------------------------------------------------------------

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard")

    @task(2)
    def project_list(self) -> None:
        self.client.get("/projects/")

    @task(2)
    def public_page(self) -> None:
        if self.public_url:
            self.client.get(self.public_url, name="/p/[token]")


@events.test_stop.add_listener
@events.quitting.add_listener
def write_journal(**_kwargs) -> None:
    """Write the journals and the request log for the harness."""
    path = os.environ.get("CLUSTER_JOURNAL")
    if path:
        with open(path, "w") as handle:
            json.dump({"journal": JOURNAL, "requests": REQUESTS}, handle)
