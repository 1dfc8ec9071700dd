"""What changed between two published versions, per artist, as mail through a real SMTP
server (aiosmtpd on a free local port)."""

from __future__ import annotations

import email
import socket
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
import vobject

from affiche.programmes.notices import (
    Smtp,
    artist_notices,
    notice_message,
    send_notices,
    version_diff,
)
from affiche.programmes.publish.versions import (
    PublishedVersion,
    occurrences_from_schedule,
    reconcile,
)
from affiche.programmes.schedule import Schedule
from tests.publish_builders import dropped, moved, paris_and_tokyo

FIRST = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 21, 9, 0, tzinfo=UTC)


def version(number: int, schedule: Schedule, previous: PublishedVersion | None) -> PublishedVersion:
    occurrences, _ = reconcile(occurrences_from_schedule(schedule), previous)
    when = FIRST if number == 1 else SECOND
    return PublishedVersion(version=number, published=when, base_url="https://fest.example",
                            occurrences=occurrences)


def two_versions() -> tuple[PublishedVersion, PublishedVersion]:
    first = version(1, paris_and_tokyo(), None)
    later = moved(dropped(paris_and_tokyo(), "nuits.dawn.1"), "nuits.talk.1", timedelta(hours=1))
    return first, version(2, later, first)


def test_the_diff_says_what_moved_was_cancelled_and_is_new() -> None:
    first, second = two_versions()
    assert [o.uid for o in version_diff(None, first).new] == [
        o.uid for o in sorted(first.occurrences, key=lambda o: (o.start, o.uid))
    ]
    diff = version_diff(first, second)
    assert [(m.before.uid, m.after.start - m.before.start) for m in diff.moved] == [
        ("nuits.talk.1", timedelta(hours=1))
    ]
    assert [o.uid for o in diff.cancelled] == ["nuits.dawn.1"]
    assert diff.new == []
    # a cancellation carried forward by a third version is not cancelled again
    third = version(3, dropped(paris_and_tokyo(), "nuits.dawn.1"), second)
    assert [o.uid for o in version_diff(second, third).cancelled] == []


def test_each_artist_is_told_by_name_what_changed_for_them() -> None:
    first, second = two_versions()
    notices = artist_notices(version_diff(first, second), "en", {"cy": "cy@example.org"})
    assert [(n.name, n.email) for n in notices] == [("Cyprien Écho", "cy@example.org")]
    lines = notices[0].lines
    assert lines[0] == ("Moved: Listening to cities, Sat 28 Mar 19:00-19:45, Le Cube & Co "
                        "(was Sat 28 Mar 18:00-18:45, Le Cube & Co)")
    assert lines[1] == "Cancelled: Before dawn, Sun 29 Mar 03:30-04:00, Le Cube & Co"
    french = artist_notices(version_diff(first, second), "fr")[0]
    assert french.lines[0] == ("Déplacé\u00a0: Écouter les villes, sam. 28 mars 19:00-19:45, "
                               "Le Cube & Co (avant sam. 28 mars 18:00-18:45, Le Cube & Co)")


def test_the_message_carries_text_and_a_calendar_of_the_changes() -> None:
    first, second = two_versions()
    notice = artist_notices(version_diff(first, second), "en", {"cy": "cy@example.org"})[0]
    message = notice_message(notice, second, "Nuits numériques", "prog@fest.example")
    assert message["To"] == "Cyprien Écho <cy@example.org>"
    assert "version 2" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Hello Cyprien Écho," in text and "Moved: Listening to cities" in text
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    cal = vobject.readOne(attachment.get_content(), validate=True)
    status = {e.uid.value: e.status.value for e in cal.vevent_list}
    assert status == {"nuits.talk.1@affiche": "CONFIRMED", "nuits.dawn.1@affiche": "CANCELLED"}
    assert cal.contents["x-wr-timezone"][0].value


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.received.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_notices_are_sent_through_a_real_smtp_server() -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    inbox = Inbox()
    port = free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first, second = two_versions()
        emails = {"cy": "cy@example.org"}
        notices = artist_notices(version_diff(first, second), "en", emails)
        unaddressed = artist_notices(version_diff(None, first), "en", emails)
        messages = [notice_message(n, second, "Nuits", "prog@fest.example")
                    for n in notices + unaddressed]
        sent = send_notices(messages, Smtp("127.0.0.1", port))
    finally:
        controller.stop()
    assert sent == 2  # Cyprien twice (two notices), Ana and Bo have no address
    recipients = [r for r, _ in inbox.received]
    assert recipients == [["cy@example.org"], ["cy@example.org"]]
    parsed = inbox.received[0][1]
    assert "Moved: Listening to cities" in parsed.get_body(("plain",)).get_content()
    assert next(parsed.iter_attachments()).get_filename() == "cy.ics"


def test_notify_command_writes_and_sends_the_mails(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`affiche notify DIR` after a publish with a late change: by name, as .eml, by SMTP."""
    from affiche.cli import main
    from affiche.programmes.publish import engine, publish_directory
    from affiche.programmes.schedule import save_schedule

    controller_module = pytest.importorskip("aiosmtpd.controller")
    monkeypatch.setattr(engine.pdf, "render_programme",
                        lambda schedule, occurrences, lang, path: path.write_bytes(b"%PDF-"))
    base = paris_and_tokyo()
    with_mail = [a.model_copy(update={"email": f"{a.id}@example.org"}) if a.id == "cy" else a
                 for a in base.artists]
    site = tmp_path / "site"
    save_schedule(base.model_copy(update={"artists": with_mail}), site)
    publish_directory(site, now=FIRST)
    late = moved(base, "nuits.talk.1", timedelta(hours=1))
    save_schedule(late.model_copy(update={"artists": with_mail}), site)
    publish_directory(site, now=SECOND)
    inbox, port = Inbox(), free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code = main(["notify", str(site), "--out", str(tmp_path / "mail"),
                     "--smtp", f"127.0.0.1:{port}", "--from", "prog@fest.example"])
    finally:
        controller.stop()
    assert code == 0
    out = capsys.readouterr().out
    assert "Cyprien Écho <cy@example.org>" in out and "Moved: Listening to cities" in out
    assert "sent 1 messages" in out
    assert [p.name for p in (tmp_path / "mail").iterdir()] == ["cy.eml"]
    assert [r for r, _ in inbox.received] == [["cy@example.org"]]
    assert main(["notify", str(tmp_path / "nothing")]) == 1
