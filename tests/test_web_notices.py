"""The producer page's notices: whom to tell what changed, as mail to download or to send
through the configured SMTP server (a real aiosmtpd server on a local port)."""
# ruff: noqa: F811  (pytest fixtures imported from tests.test_web_support)

from __future__ import annotations

import email
import re
from datetime import timedelta
from email.policy import default as default_policy

import pytest
from fastapi.testclient import TestClient

from affiche.programmes.publish import publish_directory
from affiche.programmes.schedule import load_schedule, save_schedule
from affiche.web.app import create_app
from tests.test_notices import Inbox, free_port
from tests.test_web_support import TOKEN, auth, make_settings, published_dir, site_dir  # noqa: F401


def late_change(site) -> None:  # type: ignore[no-untyped-def]
    """Oikawa gets an address; the talk moves an hour later; published as version 2."""
    schedule = load_schedule(site)
    artists = [a.model_copy(update={"email": "junya@example.org"}) if a.id == "oikawa" else a
               for a in schedule.artists]
    placements = [p.model_copy(update={"start": p.start + timedelta(hours=1),
                                       "end": p.end + timedelta(hours=1)})
                  if p.item == "talk" else p for p in schedule.placements]
    save_schedule(schedule.model_copy(update={"artists": artists, "placements": placements}),
                  site)
    publish_directory(site)


def logged_in(client: TestClient) -> str:
    client.post("/producer/login", data={"token": TOKEN}, follow_redirects=False)
    page = client.get("/producer?lang=en").text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]


def test_the_producer_page_lists_whom_to_tell_and_sends_it(site_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    controller_module = pytest.importorskip("aiosmtpd.controller")
    late_change(site_dir)
    inbox, port = Inbox(), free_port()
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                             mail_from="prog@webfest.example")
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with TestClient(create_app(site_dir, settings)) as client:
            assert client.get("/producer/notices/oikawa.eml").status_code == 401
            csrf = logged_in(client)
            page = client.get("/producer?lang=en").text
            block = page.split('id="notices-h"')[1].split("</section>")[0]
            assert "Version 2" in block
            assert "<strong>Junya Oikawa</strong> &lt;junya@example.org&gt;" in block
            assert "Moved: Meeting point" in block and "(was " in block
            assert "Claire Dumont" not in block  # nothing of hers changed
            mail = client.get("/producer/notices/oikawa.eml", headers=auth())
            assert mail.status_code == 200
            assert mail.headers["content-type"].startswith("message/rfc822")
            parsed = email.message_from_bytes(mail.content, policy=default_policy)
            assert parsed["To"] == "Junya Oikawa <junya@example.org>"
            assert "BEGIN:VEVENT" in next(parsed.iter_attachments()).get_content()
            assert client.get("/producer/notices/claire.eml").status_code == 404
            assert client.post("/producer/notices/send", data={}).status_code == 403
            sent = client.post("/producer/notices/send", data={"csrf": csrf},
                               follow_redirects=False)
            assert sent.status_code == 303 and sent.headers["location"].endswith("done=notices")
    finally:
        controller.stop()
    assert [r for r, _ in inbox.received] == [["junya@example.org"]]
    assert "Moved: Meeting point" in inbox.received[0][1].get_body(("plain",)).get_content()


def test_without_an_smtp_server_the_page_says_how_to_send(site_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    late_change(site_dir)
    with TestClient(create_app(site_dir, make_settings(tmp_path))) as client:
        csrf = logged_in(client)
        page = client.get("/producer?lang=en").text
        assert "No SMTP server configured" in page
        assert client.post("/producer/notices/send", data={"csrf": csrf}).status_code == 409


def test_an_artists_address_never_reaches_a_public_output(site_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    late_change(site_dir)
    with TestClient(create_app(site_dir, make_settings(tmp_path))) as client:
        for url in ("/api/programme", "/api/artists/oikawa", "/artist/oikawa", "/",
                    "/schedule.xml", "/schedule.frab.json", "/programme.csv",
                    "/ical/artist-oikawa.ics", "/ical/festival-webfest.ics", "/changes"):
            answer = client.get(url)
            assert answer.status_code == 200, url
            assert "junya@example.org" not in answer.text, url
    published = [p for p in site_dir.rglob("*") if p.is_file() and p.name != "schedule.json"]
    assert published and not any(b"junya@example.org" in p.read_bytes() for p in published)
