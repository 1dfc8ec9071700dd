"""Placed meetings as plain data and files: a private `Schedule`, each participant's iCal
agenda, one sheet per table for the floor staff, and a report.

Everything is written under `DIR/meetings/`, apart from the public programme: the
meetings are private and the public publishers never see this folder.
"""

from __future__ import annotations

import csv
import html
import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event

from affiche.programmes import rules
from affiche.programmes.identity import occurrence_uid
from affiche.programmes.infos import festival_info, venue_infos
from affiche.programmes.meetings import MeetingGrid, MeetingSolution, Priority, meeting_item_id
from affiche.programmes.model import Artist, Festival, Spec
from affiche.programmes.publish.pdf import date_label
from affiche.programmes.schedule import (
    ArtistInfo,
    ItemInfo,
    Placement,
    Schedule,
    SolveInfo,
    Unplaced,
    write_json_atomically,
)
from affiche.programmes.text import Text
from affiche.venues.timeutil import local_at, zone


def _label(artist: Artist | None, who: str) -> str:
    if artist is None:
        return who
    if not artist.organisation or artist.organisation == artist.name:
        return artist.name
    return f"{artist.name} ({artist.organisation})"


def meeting_schedule(
    spec: Spec, festival: Festival, grid: MeetingGrid, solution: MeetingSolution,
    generated: datetime | None = None,
) -> Schedule:
    """The placed meetings as a self-contained, private `Schedule`."""
    section = festival.meetings
    assert section is not None
    artists = {a.id: a for a in spec.artists}
    items, placements, unplaced = [], [], []
    for request in grid.requests:
        item_id = meeting_item_id(request.participants)
        title = "Meeting: " + " / ".join(_label(artists.get(w), w) for w in request.participants)
        items.append(ItemInfo(id=item_id, festival=festival.id, kind="meeting",
                              title=Text(en=title, fr=title.replace("Meeting", "Rendez-vous")),
                              artists=list(request.participants),
                              duration_minutes=request.minutes,
                              tags=["private", section.requests[request.index].priority.value]))
        uid = occurrence_uid(festival.id, item_id, 1)
        if request.index in solution.starts:
            start = grid.slots[solution.starts[request.index]].start
            placements.append(Placement(
                uid=uid, festival=festival.id, item=item_id, occurrence=1, venue=grid.venue,
                start=start, end=start + timedelta(minutes=request.minutes),
                day=rules.day_of(festival, start),
                artists=list(request.participants), private=True,
                table=solution.tables[request.index]))
        else:
            reason = solution.unplaced.get(request.index, "not placed")
            unplaced.append(Unplaced(uid=uid, festival=festival.id, item=item_id,
                                     occurrence=1, reason=reason))
    people = sorted({w for r in grid.requests for w in r.participants})
    return Schedule(
        generated=generated or datetime.now(UTC),
        solve=SolveInfo(status=solution.status, objective=solution.objective,
                        bound=solution.bound, gap=solution.gap,
                        wall_seconds=solution.wall_seconds,
                        terms={"floor": solution.floor, "idle_slots": solution.idle_slots}),
        festivals=[festival_info(festival)],
        venues=[v for v in venue_infos(festival) if v.id == grid.venue],
        artists=[ArtistInfo(id=w, name=artists[w].name if w in artists else w,
                            home_city=artists[w].home_city if w in artists else "",
                            timezone=artists[w].timezone if w in artists else None)
                 for w in people],
        items=items,
        placements=sorted(placements, key=lambda p: (p.start, p.table or 0)),
        unplaced=unplaced,
        warnings=solution.notes,
    )


def _agendas(schedule: Schedule) -> dict[str, list[Placement]]:
    agendas: dict[str, list[Placement]] = defaultdict(list)
    for placement in schedule.placements:
        for who in placement.artists:
            agendas[who].append(placement)
    return agendas


def agenda_calendar(spec: Spec, schedule: Schedule, who: str) -> Calendar:
    """One participant's meetings: table, the other parties' names and organisations."""
    artists = {a.id: a for a in spec.artists}
    calendar = Calendar()
    calendar.add("prodid", "-//affiche//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Meetings: {_label(artists.get(who), who)}")
    venue = schedule.venues[0].name if schedule.venues else ""
    for placement in sorted(_agendas(schedule).get(who, []), key=lambda p: p.start):
        others = [_label(artists.get(w), w) for w in placement.artists if w != who]
        event = Event()
        event.add("uid", f"{placement.uid}@affiche")
        event.add("dtstamp", schedule.generated.astimezone(UTC))
        event.add("dtstart", placement.start.astimezone(UTC))
        event.add("dtend", placement.end.astimezone(UTC))
        event.add("summary", f"Table {placement.table}: {', '.join(others)}")
        event.add("location", f"{venue}, table {placement.table}")
        event.add("description", "One-to-one meeting with " + "; ".join(others))
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar


def write_agendas(spec: Spec, schedule: Schedule, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for who in sorted(_agendas(schedule)):
        path = folder / f"{who}.ics"
        path.write_bytes(agenda_calendar(spec, schedule, who).to_ical())
        written.append(path)
    return written


def _local(moment: datetime, zone_name: str) -> str:
    return moment.astimezone(zone(zone_name)).strftime("%a %d %b %H:%M")


def table_rows(spec: Spec, schedule: Schedule) -> dict[int, list[list[str]]]:
    """Per table: (start, end, participants with organisations) in time order."""
    artists = {a.id: a for a in spec.artists}
    tz = schedule.festivals[0].timezone
    rows: dict[int, list[list[str]]] = defaultdict(list)
    for placement in sorted(schedule.placements, key=lambda p: p.start):
        rows[placement.table or 0].append([
            _local(placement.start, tz), placement.end.astimezone(zone(tz)).strftime("%H:%M"),
            " / ".join(_label(artists.get(w), w) for w in placement.artists)])
    return dict(sorted(rows.items()))


def write_table_sheets(spec: Spec, schedule: Schedule, folder: Path) -> list[Path]:
    """One CSV per table, and one printable HTML page holding every table's sheet."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    sections = []
    for table, rows in table_rows(spec, schedule).items():
        path = folder / f"table-{table:03d}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["start", "end", "participants"])
            writer.writerows(rows)
        written.append(path)
        body = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td>"
                       f"<td>{html.escape(c)}</td></tr>" for a, b, c in rows)
        sections.append(f"<section><h2>Table {table}</h2><table><tr><th>start</th>"
                        f"<th>end</th><th>participants</th></tr>{body}</table></section>")
    page = folder / "tables.html"
    page.write_text(
        "<!doctype html><meta charset=utf-8><title>Meeting tables</title><style>"
        "section{page-break-after:always}td,th{padding:2px 8px;text-align:left}</style>"
        + "".join(sections), encoding="utf-8")
    return [*written, page]


def write_agenda_pages(spec: Spec, schedule: Schedule, folder: Path) -> list[Path]:
    """One printable page per participant: when, which table, with whom."""
    folder.mkdir(parents=True, exist_ok=True)
    artists = {a.id: a for a in spec.artists}
    tz = schedule.festivals[0].timezone
    written = []
    for who, meetings in sorted(_agendas(schedule).items()):
        rows = "".join(
            f"<tr><td>{html.escape(_local(p.start, tz))}</td>"
            f"<td>{p.end.astimezone(zone(tz)):%H:%M}</td><td>{p.table}</td><td>"
            + html.escape(", ".join(_label(artists.get(w), w) for w in p.artists if w != who))
            + "</td></tr>" for p in sorted(meetings, key=lambda p: p.start))
        name = html.escape(_label(artists.get(who), who))
        path = folder / f"{who}.html"
        path.write_text(
            f"<!doctype html><meta charset=utf-8><title>{name}</title><style>"
            "@page{size:A4;margin:15mm}td,th{padding:3px 10px;text-align:left}</style>"
            f"<h1>{name}</h1><p>{html.escape(schedule.festivals[0].name)}, "
            f"{html.escape(schedule.venues[0].name if schedule.venues else '')}</p>"
            "<table><tr><th>start</th><th>end</th><th>table</th><th>with</th></tr>"
            f"{rows}</table>", encoding="utf-8")
        written.append(path)
    return written


AGENDA_TEMPLATE = "agenda.typ"
AGENDA_LABELS = {"heading": "Meeting agenda", "time": "time", "table": "Table",
                 "with": "with", "none": "No meetings."}
PAGE_MM, ROW_MM_PER_PT = 235.0, 0.78  # room for the rows on A4; one row's height per pt


def agenda_size(rows: int, days: int) -> float:
    """The type size (pt) that fits `rows` meetings over `days` days on one page: 10 pt
    for a usual agenda, down to 6 pt for the longest (two full days of 20-minute ones)."""
    units = rows + 1.8 * days
    return round(max(6.0, min(10.0, PAGE_MM / (ROW_MM_PER_PT * max(1.0, units)))), 2)


def _party(artist: Artist | None, who: str) -> dict[str, str]:
    if artist is None:
        return {"name": who, "organisation": ""}
    organisation = artist.organisation if artist.organisation != artist.name else ""
    return {"name": artist.name, "organisation": organisation or ""}


def agenda_data(spec: Spec, schedule: Schedule, who: str) -> dict[str, Any]:
    """One participant's page as plain data: day by day, time, table, the other parties
    (name and organisation), in the festival's zone."""
    artists = {a.id: a for a in spec.artists}
    festival = schedule.festivals[0]
    tz = festival.timezone
    days: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    meetings = sorted(_agendas(schedule).get(who, []), key=lambda p: p.start)
    for placement in meetings:
        days[placement.day].append({
            "start": placement.start.astimezone(zone(tz)).strftime("%H:%M"),
            "end": placement.end.astimezone(zone(tz)).strftime("%H:%M"),
            "table": str(placement.table),
            "with": [_party(artists.get(w), w) for w in placement.artists if w != who]})
    me = _party(artists.get(who), who)
    venue = schedule.venues[0].name if schedule.venues else ""
    return {
        "title": f"Meetings: {_label(artists.get(who), who)}",
        "name": me["name"], "organisation": me["organisation"],
        "festival": festival.name, "venue": venue,
        "note": f"Private: your meetings only. Times are local ({tz}).",
        "size": agenda_size(len(meetings), len(days)),
        "labels": AGENDA_LABELS,
        "days": [{"label": f"{date_label(day, 'en')} {day.year}", "rows": rows}
                 for day, rows in sorted(days.items())],
    }


def write_agenda_pdfs(spec: Spec, schedule: Schedule, folder: Path) -> list[Path]:
    """`<participant>.pdf`: each participant's agenda on one printable A4 page (Typst,
    one compiler for all pages, so fonts load once)."""
    import typst  # only the printable agendas need it

    folder.mkdir(parents=True, exist_ok=True)
    template = Path(str(resources.files("affiche.programmes") / "templates" / AGENDA_TEMPLATE))
    compiler = typst.Compiler(str(template), root=str(template.parent))
    written = []
    for who in sorted(_agendas(schedule)):
        data = json.dumps(agenda_data(spec, schedule, who), ensure_ascii=False)
        try:
            pdf = compiler.compile(sys_inputs={"data": data}, pdf_tags=False)
        except typst.TypstError as error:  # a fault of the template, never of the data
            raise RuntimeError(f"{template}: the agenda of {who} could not be set: "
                               f"{error}") from error
        assert isinstance(pdf, bytes)
        path = folder / f"{who}.pdf"
        path.write_bytes(pdf)
        written.append(path)
    return written


def meeting_report(spec: Spec, festival: Festival, grid: MeetingGrid,
                   schedule: Schedule) -> dict[str, Any]:
    """Placed / unplaced by priority with reasons, meetings and idle minutes per person."""
    section = festival.meetings
    assert section is not None
    placed = {p.item for p in schedule.placements}
    by_priority: dict[str, dict[str, int]] = {}
    for priority in Priority:
        asked = [r for r in section.requests if r.priority is priority]
        done = sum(meeting_item_id(r.between) in placed for r in asked)
        by_priority[priority.value] = {"asked": len(asked), "placed": done,
                                       "unplaced": len(asked) - done}
    priority_of = {meeting_item_id(r.between): r.priority.value for r in section.requests}
    agendas = _agendas(schedule)
    people = {}
    for who in grid.participants:
        meetings = sorted(agendas.get(who, []), key=lambda p: p.start)
        idle = sum(_idle_minutes(festival, a, b)
                   for a, b in zip(meetings, meetings[1:], strict=False) if a.day == b.day)
        changes = sum(a.table != b.table for a, b in zip(meetings, meetings[1:], strict=False))
        people[who] = {"meetings": len(meetings), "idle_minutes": idle, "table_changes": changes}
    counts = [p["meetings"] for p in people.values()]
    return {
        "festival": festival.id,
        "status": schedule.solve.status,
        "gap": schedule.solve.gap,
        "wall_seconds": schedule.solve.wall_seconds,
        "by_priority": by_priority,
        "unplaced": [{"meeting": u.item, "priority": priority_of.get(u.item, ""),
                      "reason": u.reason} for u in schedule.unplaced],
        "meetings_per_participant": {
            "min": min(counts, default=0), "max": max(counts, default=0),
            "mean": sum(counts) / len(counts) if counts else 0.0},
        "idle_minutes_per_participant_mean": (
            sum(p["idle_minutes"] for p in people.values())
            / len(people) if people else 0.0),
        "table_changes_per_participant_mean": (
            sum(p["table_changes"] for p in people.values()) / len(people) if people else 0.0),
        "participants": people,
        "notes": schedule.warnings,
    }


def _idle_minutes(festival: Festival, a: Placement, b: Placement) -> float:
    """Minutes between two meetings of a day, lunch taken off (lunch is a break)."""
    gap = max(timedelta(0), b.start - a.end)
    section = festival.meetings
    if section is not None and section.lunch is not None:
        start = local_at(a.day, section.lunch.start, festival.timezone)
        end = local_at(a.day, section.lunch.end, festival.timezone)
        gap -= max(timedelta(0), min(end, b.start) - max(start, a.end))
    return gap.total_seconds() / 60


def report_text(report: dict[str, Any]) -> str:
    lines = [f"# Meetings of {report['festival']}", "",
             f"status: {report['status']}, gap: "
             f"{'unknown' if report['gap'] is None else format(100 * report['gap'], '.2f') + '%'}"
             f", {report['wall_seconds']:.1f} s", ""]
    for priority, counts in report["by_priority"].items():
        lines.append(f"- {priority}: {counts['placed']} of {counts['asked']} placed")
    per = report["meetings_per_participant"]
    lines += ["", f"meetings per participant: min {per['min']}, mean {per['mean']:.1f}, "
              f"max {per['max']}",
              f"idle minutes per participant (mean): "
              f"{report['idle_minutes_per_participant_mean']:.1f}",
              f"table changes per participant (mean): "
              f"{report['table_changes_per_participant_mean']:.1f}", ""]
    for note in report["notes"]:
        lines.append(f"note: {note}")
    if report["unplaced"]:
        lines += ["## Unplaced", ""]
        lines += [f"- {u['meeting']} ({u['priority']}): {u['reason']}" for u in report["unplaced"]]
    lines += ["", "## Participants", "",
              "| participant | meetings | idle minutes | table changes |", "|---|---|---|---|"]
    lines += [f"| {who} | {p['meetings']} | {p['idle_minutes']:.0f} | {p['table_changes']} |"
              for who, p in sorted(report["participants"].items())]
    return "\n".join(lines) + "\n"


def write_meeting_outputs(spec: Spec, festival: Festival, grid: MeetingGrid,
                          schedule: Schedule, out: Path) -> dict[str, Any]:
    """`out/meetings/` (one festival) or `out/meetings/<festival>/` is the caller's choice:
    this writes schedule.json, ical/, agendas/ (a page and a one-page PDF per
    participant), tables/, report.md and report.json."""
    out.mkdir(parents=True, exist_ok=True)
    write_json_atomically(out / "schedule.json", schedule.model_dump_json(indent=2) + "\n")
    write_agendas(spec, schedule, out / "ical")
    write_agenda_pages(spec, schedule, out / "agendas")
    write_agenda_pdfs(spec, schedule, out / "agendas")
    write_table_sheets(spec, schedule, out / "tables")
    report = meeting_report(spec, festival, grid, schedule)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "report.md").write_text(report_text(report), encoding="utf-8")
    return report
