"""References: a referee confirms a project through a one-time link (issue 17)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from portfolio.extensions import db
from portfolio.models import ReferenceRequest, utcnow
from tests.page_forms import form_values
from tests.reference_helpers import (
    ANSWER,
    add_project,
    answer,
    edit_project,
    request_link,
    request_page,
    withdraw_path,
)


def _rows(app) -> list[ReferenceRequest]:
    with app.app_context():
        return list(db.session.scalars(select(ReferenceRequest).order_by(ReferenceRequest.id)))


def test_the_link_is_shown_once_and_only_its_hash_is_stored(app, user):
    project_id = add_project(user)
    path = request_link(user, project_id)
    token = path.rsplit("/", 1)[1]
    (row,) = _rows(app)
    assert row.token_hash != token and len(row.token_hash) == 64
    assert row.expires_at - row.created_at == timedelta(days=30)
    assert row.state == "waiting" and row.sent_by == "link"
    page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Waiting for an answer" in page
    assert token not in page  # the project page never shows the link again


def test_referee_confirms_and_the_project_page_shows_it(app, user, new_device):
    project_id = add_project(user)
    path = request_link(user, project_id)
    referee = new_device()
    page = referee.client.get(path)
    text = page.get_data(as_text=True)
    # The project exactly as written, and what the referee may tick.
    for shown in ("Booking API", "Brightwave Digital", "Back-end intern", "Jan 2025",
                  "A booking service for a dentist.", "Cut response times by half",
                  "Python", "Flask", "Your name", "How do you know this work?"):  # fmt: skip
        assert shown in text, shown
    assert "My supervisor" not in text  # the owner's label is for the owner only
    # Nothing else of the owner's: not their name, not their email.
    assert not re.search(r"\bAda\b", text) and "ada@example.com" not in text
    response = answer(referee, path, technologies=["Python"])
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Your reference is recorded" in response.get_data(as_text=True)
    (row,) = _rows(app)
    assert row.state == "confirmed"
    assert row.confirmed["technologies"] == ["Python"]
    assert row.confirmed["dates_and_role"] and row.confirmed["work"]
    assert row.confirmed["project"]["role"] == "Back-end intern"
    owner_page = user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "Confirmed" in owner_page and "Jane Smith" in owner_page
    assert "by a link you shared" in owner_page
    assert "They confirm the dates and role, the work described, Python." in owner_page


def test_a_link_used_twice_accepts_nothing_more(app, user, new_device):
    path = request_link(user, add_project(user))
    referee = new_device()
    first = referee.client.get(path).get_data(as_text=True)
    assert answer(referee, path).status_code == 200
    again = referee.client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    # Posting the form opened before the answer changes nothing either.
    data = form_values(first) | {"name": "Someone else", "decline": "Decline"}
    late = referee.client.post(path, data=data)
    assert late.status_code == 410
    (row,) = _rows(app)
    assert row.state == "confirmed" and row.referee_name == "Jane Smith"


def test_decline_records_no_reference(app, user, new_device):
    project_id = add_project(user)
    path = request_link(user, project_id)
    response = answer(new_device(), path, decline=True)
    assert response.status_code == 200
    assert "You declined" in response.get_data(as_text=True)
    (row,) = _rows(app)
    assert row.state == "declined" and row.referee_name == ""
    assert "Declined" in user.client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert new_device().client.get(path).status_code == 410


def test_revoked_link_opens_nothing(app, user, new_device):
    project_id = add_project(user)
    path = request_link(user, project_id)
    (row,) = _rows(app)
    response = user.post(f"/references/{row.id}/revoke", form_path=f"/projects/{project_id}")
    assert response.status_code == 302
    page = new_device().client.get(path)
    assert page.status_code == 404
    assert "cannot be used" in page.get_data(as_text=True)
    assert "Revoked" in user.client.get(f"/projects/{project_id}").get_data(as_text=True)


def test_expired_link_opens_nothing_and_shows_expired(app, user, new_device):
    project_id = add_project(user)
    path = request_link(user, project_id)
    with app.app_context():
        db.session.execute(
            update(ReferenceRequest).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    referee = new_device()
    page = referee.client.get(path)
    assert page.status_code == 404
    assert "cannot be used" in page.get_data(as_text=True)
    assert "Expired" in user.client.get(f"/projects/{project_id}").get_data(as_text=True)


def test_unknown_and_revoked_and_expired_links_read_the_same(app, user, new_device):
    referee = new_device()
    unknown = referee.client.get("/r/not-a-real-token")
    long = referee.client.get("/r/" + "x" * 300)
    assert unknown.status_code == long.status_code == 404
    assert unknown.get_data(as_text=True) == long.get_data(as_text=True)


def test_the_referee_can_withdraw(app, user, new_device):
    from tests.test_public_page import share

    project_id = add_project(user)
    public = share(user)
    path = request_link(user, project_id)
    referee = new_device()
    response = answer(referee, path, show_name="y")
    assert "Jane Smith" in user.client.get(public).get_data(as_text=True)
    withdraw = withdraw_path(response)
    form = referee.client.get(withdraw)
    assert form.status_code == 200
    assert form.headers["X-Robots-Tag"].startswith("noindex")
    done = referee.post(withdraw)
    assert done.status_code == 200
    assert "withdrawn" in done.get_data(as_text=True)
    (row,) = _rows(app)
    assert row.state == "withdrawn"
    assert "Jane Smith" not in user.client.get(public).get_data(as_text=True)
    assert "Withdrawn by the referee" in user.client.get(f"/projects/{project_id}").get_data(
        as_text=True
    )
    assert referee.client.get("/r/withdraw/not-a-token").status_code == 404


def test_the_owner_cannot_confirm_their_own_project(app, user):
    path = request_link(user, add_project(user))
    page = user.client.get(path)
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "You cannot confirm your own project" in text
    assert 'name="name"' not in text and "Confirm</button>" not in text
    posted = user.post(path, {"name": "Me", "confirm": "Confirm"}, form_path="/dashboard")
    assert posted.status_code == 403
    assert _rows(app)[0].state == "waiting"


def test_another_users_requests_and_projects_are_404(app, user, new_device):
    project_id = add_project(user)
    request_link(user, project_id)
    (row,) = _rows(app)
    other = new_device()
    other.register(email="eve@example.com", name="Eve")
    assert other.client.get(f"/projects/{project_id}/references/new").status_code == 404
    posted = other.post(
        f"/projects/{project_id}/references/new", {"label_name": "X"}, form_path="/dashboard"
    )
    assert posted.status_code == 404
    for action in ("revoke", "hide", "show", "show-comment", "hide-comment", "delete"):
        response = other.post(f"/references/{row.id}/{action}", form_path="/dashboard")
        assert response.status_code == 404, action
    assert user.post(f"/references/{row.id}/nonsense", form_path="/dashboard").status_code == 404
    assert _rows(app)[0].state == "waiting"


def test_referee_pages_are_noindex_and_send_no_referrer(app, user, new_device):
    path = request_link(user, add_project(user))
    referee = new_device()
    for page in (referee.client.get(path), referee.client.get("/r/unknown")):
        assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in page.headers["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in page.get_data(as_text=True)


def test_the_referee_form_needs_its_csrf_token(app, user, new_device):
    path = request_link(user, add_project(user))
    referee = new_device()
    referee.client.get(path)
    response = referee.client.post(path, data={"decline": "Decline"})
    assert response.status_code == 400
    assert _rows(app)[0].state == "waiting"


def test_an_answer_must_confirm_something_and_say_who(app, user, new_device):
    path = request_link(user, add_project(user))
    referee = new_device()
    response = answer(referee, path, dates_and_role=None, work=None, name="")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Tick at least one thing you confirm, or press Decline." in text
    assert "Enter your name." in text
    response = answer(referee, path, technologies=["Django"])
    assert response.status_code == 422
    assert "Tick only technologies this project lists." in response.get_data(as_text=True)
    response = answer(referee, path, comment="x" * 501)
    assert response.status_code == 422
    assert "Keep this to 500 characters or fewer" in response.get_data(as_text=True)
    assert _rows(app)[0].state == "waiting"


def test_a_project_changed_while_the_referee_reads_it_is_shown_again(app, user, new_device):
    project_id = add_project(user)
    path = request_link(user, project_id)
    referee = new_device()
    data = form_values(referee.client.get(path).get_data(as_text=True))
    assert edit_project(user, project_id, role="Lead developer").status_code == 302
    data |= ANSWER
    response = referee.client.post(path, data=data | {"confirm": "Confirm"})
    assert response.status_code == 409
    assert "Lead developer" in response.get_data(as_text=True)
    assert _rows(app)[0].state == "waiting"


def test_requests_are_rate_limited_per_owner(app, user):
    app.config["THROTTLE_REFERENCE_REQUEST"] = (2, 3600)
    project_id = add_project(user)
    request_link(user, project_id)
    request_link(user, project_id)
    refused = request_page(user, project_id)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert len(_rows(app)) == 2


def test_referee_answers_are_rate_limited(app, user, new_device):
    app.config["THROTTLE_REFERENCE_ANSWER_LINK"] = (2, 3600)
    path = request_link(user, add_project(user))
    referee = new_device()
    for _ in range(2):
        assert answer(referee, path, name="").status_code == 422
    refused = answer(referee, path)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert _rows(app)[0].state == "waiting"


def test_a_project_holds_a_limited_number_of_requests(app, user):
    from portfolio.schemas import rules

    project_id = add_project(user)
    with app.app_context():
        from portfolio.models import User

        owner = db.session.scalar(select(User))
        for n in range(rules.MAX_REFERENCE_REQUESTS):
            db.session.add(ReferenceRequest(
                user_id=owner.id, project_id=project_id, label_name=f"R{n}",
                token_hash=f"{n:064d}", expires_at=utcnow(), confirmed={},
            ))  # fmt: skip
        db.session.commit()
    refused = request_page(user, project_id)
    assert refused.status_code == 422
    assert rules.TOO_MANY_REFERENCE_REQUESTS in refused.get_data(as_text=True)


def test_the_request_form_needs_the_referees_name(app, user):
    project_id = add_project(user)
    page = user.client.get(f"/projects/{project_id}/references/new").get_data(as_text=True)
    assert "Referee name" in page and "Referee role" in page
    assert "Referee&#39;s email" not in page and "Referee's email" not in page  # no mail set up
    refused = request_page(user, project_id, label_name="  ")
    assert refused.status_code == 422
    assert "Enter the referee&#39;s name" in refused.get_data(as_text=True)
    assert _rows(app) == []


def test_two_answers_sent_at_once_keep_exactly_one(app, user, new_device):
    from tests.concurrency import at_once

    path = request_link(user, add_project(user))
    referees = [new_device(), new_device()]
    forms = []
    for referee, name in zip(referees, ("First Referee", "Second Referee"), strict=True):
        data = form_values(referee.client.get(path).get_data(as_text=True))
        forms.append(data | ANSWER | {"name": name, "confirm": "Confirm"})
    answers = at_once([
        lambda: referees[0].client.post(path, data=forms[0]).status_code,
        lambda: referees[1].client.post(path, data=forms[1]).status_code,
    ])  # fmt: skip
    assert sorted(answers) == [200, 410]
    (row,) = _rows(app)
    assert row.state == "confirmed"
    winner = ("First Referee", "Second Referee")[answers.index(200)]
    assert row.referee_name == winner


def test_the_account_export_holds_the_requests_but_no_hashes(app, user, new_device):
    path = request_link(user, add_project(user))
    answer(new_device(), path)
    data = user.client.get("/auth/account/export.json").get_json()
    (exported,) = data["reference_requests"]
    assert exported["label_name"] == "Jane" and exported["state"] == "confirmed"
    assert exported["referee"]["name"] == "Jane Smith"
    assert exported["confirmed"]["dates_and_role"] is True
    (row,) = _rows(app)
    text = user.client.get("/auth/account/export.json").get_data(as_text=True)
    assert row.token_hash not in text and row.withdraw_hash not in text
    assert path.rsplit("/", 1)[1] not in text
