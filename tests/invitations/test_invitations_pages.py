"""The HTML pages: inbox, commitments, convenor view, team page, notifications; forms work,
every input is labelled, no inline script."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import html as lxml_html

from coalition.config import Settings
from coalition.store.session import session_factory
from tests.conftest import make_client
from tests.factories import InvitationWorld, invitation_world, snapshot


def _world(settings: Settings) -> InvitationWorld:
    with session_factory(settings.database_url)() as db:
        w = invitation_world(db, capacities=(10.0, 10.0, 10.0))
        db.commit()
    return w


def _page(client: TestClient, path: str) -> lxml_html.HtmlElement:
    r = client.get(path, headers={"accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    doc = lxml_html.fromstring(r.text)
    _accessible(doc, path)
    return doc


def _accessible(doc: lxml_html.HtmlElement, path: str) -> None:
    assert doc.xpath("//h1"), path
    labelled = {label.get("for") for label in doc.xpath("//label[@for]")}
    for field in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        inside = field.xpath("ancestor::label")
        assert inside or field.get("id") in labelled or field.get("aria-label"), (
            path,
            lxml_html.tostring(field),
        )
    for th in doc.xpath("//thead//th"):
        assert th.get("scope") == "col", path
    assert not doc.xpath("//script[not(@src)]"), path
    assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")], path


def _form(doc: lxml_html.HtmlElement, action: str, **want: str) -> dict[str, str]:
    for form in doc.xpath(f"//form[@action='{action}']"):
        fields = {i.get("name"): i.get("value") or "" for i in form.xpath(".//input[@name]")}
        if all(fields.get(k) == v for k, v in want.items()):
            return fields
    raise AssertionError(f"no form posting to {action} with {want}")


def test_member_answers_from_the_inbox_and_steps_back(settings: Settings) -> None:
    w = _world(settings)
    a, b = w.members[0], w.members[1]
    convenor = make_client(settings, w.convenor_caller)
    doc = _page(convenor, f"/initiatives/{w.initiative_id}/invitations")
    fields = _form(doc, f"/initiatives/{w.initiative_id}/invitations")
    assert "actor_id" in fields
    for actor in (a, b):
        r = convenor.post(
            f"/initiatives/{w.initiative_id}/invitations",
            data={"actor_id": str(actor), "role_id": str(w.roles[0]), "message": "Join us"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    member = make_client(settings, w.member(a))
    doc = _page(member, "/me/invitations")
    assert "Join us" in doc.text_content() and "Your capacity" in doc.text_content()
    invitation = doc.xpath("//article[contains(@class, 'invitation')]/@id")[0].split("-")[1]
    action = f"/invitations/{invitation}/answer"
    _form(doc, action, answer="accept")
    _form(doc, action, answer="counter")
    _form(doc, action, answer="decline")

    with session_factory(settings.database_url)() as db:
        before = snapshot(db)
    r = member.post(action, data={"answer": "counter", "hours": "lots"})
    assert r.status_code == 422 and "Nothing was changed" in r.text
    with session_factory(settings.database_url)() as db:
        assert snapshot(db) == before

    r = member.post(action, data={"answer": "accept", "listed": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/me/invitations"
    doc = _page(member, "/me/commitments")
    assert "Bid inv" in doc.text_content()
    engagement = doc.xpath("//form[contains(@action, '/step-back')]/@action")[0]
    r = member.post(action, data={"answer": "decline"})
    assert r.status_code == 409 and "accepted already" in r.text

    other = make_client(settings, w.member(b))
    doc = _page(other, "/me/invitations")
    second = doc.xpath("//article[contains(@class, 'invitation')]/@id")[0].split("-")[1]
    r = other.post(
        f"/invitations/{second}/answer",
        data={"answer": "counter", "hours": "2", "listed": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    doc = _page(convenor, f"/initiatives/{w.initiative_id}/invitations")
    _form(doc, f"/invitations/{second}/counter", decision="accept")
    _form(doc, f"/invitations/{second}/withdraw")
    assert doc.xpath("//details/summary")  # replacements are offered for the countered seat
    r = convenor.post(
        f"/invitations/{second}/counter", data={"decision": "accept"}, follow_redirects=False
    )
    assert r.status_code == 303

    doc = _page(member, f"/initiatives/{w.initiative_id}/team")
    names = [h.text_content() for h in doc.xpath("//ul[@class='cards']//h3")]
    assert names == ["Member 0", "Member 1"]
    r = member.get(f"/initiatives/{w.initiative_id}/team.md")
    assert r.headers["content-type"].startswith("text/markdown")
    assert "### Member 0 (Role 0)" in r.text and "### Member 1 (Role 0)" in r.text
    r = member.get(f"/initiatives/{w.initiative_id}/team.pdf")
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")

    r = member.post(engagement, follow_redirects=False)
    assert r.status_code == 303
    doc = _page(member, "/me/commitments")
    assert "Withdrawn" in doc.text_content()
    assert not doc.xpath(f"//form[@action='{engagement}']")

    doc = _page(convenor, "/me/notifications")
    assert "stepped back" in doc.text_content()
    r = convenor.post("/me/notifications/read", follow_redirects=False)
    assert r.status_code == 303
    assert "new" not in [s.text for s in _page(convenor, "/me/notifications").xpath("//strong")]


def test_pages_ask_to_sign_in_and_refuse_strangers(settings: Settings) -> None:
    w = _world(settings)
    anonymous = make_client(settings)
    for path in ("/me/invitations", "/me/commitments", "/me/notifications"):
        r = anonymous.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    member = make_client(settings, w.member(w.members[0]))
    r = member.get(f"/initiatives/{w.initiative_id}/invitations", headers={"accept": "text/html"})
    assert r.status_code == 403
