"""`affiche notify DIR`: tell each artist what changed for them in the latest version.

Prints, per artist by name, what moved, was cancelled or is new for them; `--out FOLDER`
writes one mail per artist (`<artist>.eml`: text and an `.ics` of those occurrences);
`--smtp HOST[:PORT]` sends the mails of every artist with an `email` in the spec
(password from AFFICHE_SMTP_PASSWORD).
"""

from __future__ import annotations

import argparse
import os
import smtplib
from pathlib import Path
from typing import Any

from affiche.cli.commands import EXIT_NO_PROGRAMME, EXIT_OK, CommandError, say
from affiche.programmes.notices import Smtp, folder_notices, send_notices


def add_parser(commands: Any) -> None:
    p = commands.add_parser("notify", help="tell each artist what changed in the last version")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--version", type=int, default=None, metavar="N",
                   help="the published version to report (default: the latest)")
    p.add_argument("--lang", choices=("en", "fr"), default="en")
    p.add_argument("--from", dest="sender", default="programme@localhost", metavar="ADDRESS")
    p.add_argument("--out", type=Path, default=None, metavar="FOLDER",
                   help="write one .eml message per artist into FOLDER")
    p.add_argument("--smtp", default=None, metavar="HOST[:PORT]",
                   help="send the messages through this SMTP server")
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--user", default=None, help="SMTP login (password: AFFICHE_SMTP_PASSWORD)")
    p.set_defaults(run=cmd_notify)


def smtp_server(text: str, args: argparse.Namespace) -> Smtp:
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "25")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--smtp {text!r}: expected HOST or HOST:PORT")
    return Smtp(host, int(port), starttls=args.starttls, user=args.user,
                password=os.environ.get("AFFICHE_SMTP_PASSWORD"))


def cmd_notify(args: argparse.Namespace) -> int:
    found = folder_notices(args.dir, args.lang, args.version)
    if found is None:
        which = f"version {args.version}" if args.version else "published version"
        raise CommandError(f"{args.dir}: no {which} (run affiche publish first)",
                           EXIT_NO_PROGRAMME)
    if not found.notices:
        say(f"version {found.version.version}: no artist's programme changed")
        return EXIT_OK
    say(f"version {found.version.version}: {len(found.notices)} artists to tell")
    for notice in found.notices:
        say(f"  {notice.name}{f' <{notice.email}>' if notice.email else ' (no email)'}")
        for line in notice.lines:
            say(f"    {line}")
    messages = found.messages(args.sender, args.lang)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for notice, message in zip(found.notices, messages, strict=True):
            (args.out / f"{notice.artist}.eml").write_bytes(message.as_bytes())
        say(f"wrote {len(messages)} messages into {args.out}")
    if args.smtp:
        try:
            sent = send_notices(messages, smtp_server(args.smtp, args))
        except (OSError, smtplib.SMTPException) as error:
            raise CommandError(f"--smtp {args.smtp}: {error}", EXIT_NO_PROGRAMME) from None
        say(f"sent {sent} messages through {args.smtp}")
    return EXIT_OK
