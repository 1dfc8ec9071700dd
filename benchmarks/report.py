"""Medians over runs, the Markdown report with its targets, and the log-log plot."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Record = dict[str, Any]

LINEAR_SLOPE = 1.2  # "about linear": log-log slope at most this
FOSDEM_ANY_ROOM = "real/fosdem-2026/any-room"


@dataclass
class Summary:
    """One solver on one instance: medians over its runs."""

    instance: str
    solver: str
    runs: int
    status: str
    values: dict[str, float | None] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def get(self, key: str) -> float | None:
        return self.values.get(key)


MEDIAN_KEYS = ("solver_first_s", "first_feasible_s", "first_feasible_process_s",
               "final_process_s", "solver_wall_s", "solve_call_s", "objective", "bound", "gap",
               "peak_mb", "violations", "time_limit", "repriced", "first_complete_objective")
TOLERANCE = 1e-6


def audits(records: list[Record]) -> dict[str, float | None]:
    """Per-run checks, counted over the runs (None: no run was audited so):
    `reprice_mismatches`, runs whose independent re-pricing differs from the reported
    objective; `worse_than_first`, runs whose answer costs more than the first complete
    (greedy) programme; `unchecked`, runs with a programme the checker did not count."""
    priced = [r for r in records if r.get("objective") is not None]
    repriced = [r for r in priced if r.get("reprice_diff") is not None]
    compared = [r for r in priced if r.get("first_complete_objective") is not None]
    return {
        "reprice_mismatches": float(sum(abs(r["reprice_diff"]) > TOLERANCE
                                        for r in repriced)) if repriced else None,
        "worse_than_first": float(sum(r["objective"] > r["first_complete_objective"]
                                      + TOLERANCE for r in compared)) if compared else None,
        "unchecked": float(sum(r.get("violations") is None for r in priced)),
    }


def _median(records: list[Record], key: str) -> float | None:
    values = [r[key] for r in records if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarise(records: list[Record]) -> Summary:
    first = records[0]
    statuses = Counter(r.get("status", "error") for r in records)
    summary = Summary(first["instance"], first["solver"], len(records),
                      statuses.most_common(1)[0][0])
    if len(statuses) > 1:
        summary.status += " (" + ", ".join(f"{n}x {s}" for s, n in statuses.items()) + ")"
    summary.values = {key: _median(records, key) for key in MEDIAN_KEYS}
    summary.values.update(audits(records))
    summary.sizes = {k: first[k] for k in ("items", "occurrences", "venues", "unplaceable",
                                           "candidates")
                     if k in first}
    summary.error = next((r["error"] for r in records if r.get("error")), None)
    return summary


def group_records(records: list[Record]) -> list[Summary]:
    keys: dict[tuple[str, str], list[Record]] = {}
    for record in records:
        keys.setdefault((record["instance"], record["solver"]), []).append(record)
    return [summarise(group) for group in keys.values()]


# --- formatting ----------------------------------------------------------------------------


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def fmt_gap(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f} %"


def size_cell(summary: Summary) -> str:
    s = summary.sizes
    if not s:
        return "–"
    cell = f"{s.get('items', '?')}/{s.get('occurrences', '?')}/{s.get('venues', '?')}"
    return cell + (f" ({s['unplaceable']} unplaceable)" if s.get("unplaceable") else "")


def reprice_cell(s: Summary) -> str:
    """The independent re-pricing: `=` when every run agrees with its reported objective,
    else the runs that differ (`DIFFERS`, the median re-priced beside it)."""
    mismatches, repriced = s.get("reprice_mismatches"), s.get("repriced")
    if mismatches is None:
        return "–"
    if mismatches:
        return f"DIFFERS in {mismatches:g} of {s.runs} run(s): {fmt(repriced, 'g')}"
    return f"= {fmt(repriced, 'g')}"


def first_cell(s: Summary) -> str:
    """The first complete programme's cost, and whether an answer came out worse."""
    first, worse = s.get("first_complete_objective"), s.get("worse_than_first")
    if worse is None:
        return "–"
    return fmt(first, "g") + (f" (WORSE in {worse:g} run(s))" if worse else "")


TABLE_HEAD = (
    "| instance | solver | size (items/occ/venues) | first feasible, solver s "
    "| first feasible, process s | final status, process s | status | objective | bound "
    "| gap | peak MB | violations | runs | limit s | re-priced | first complete |"
)


def table_row(s: Summary) -> str:
    status = s.status + (f": {s.error}" if s.error else "")
    cells = [
        s.instance, s.solver, size_cell(s), fmt(s.get("solver_first_s"), ".3f"),
        fmt(s.get("first_feasible_process_s")), fmt(s.get("final_process_s")), status,
        fmt(s.get("objective"), "g"), fmt(s.get("bound"), "g"), fmt_gap(s.get("gap")),
        fmt(s.get("peak_mb"), ".0f"), fmt(s.get("violations"), "g"), str(s.runs),
        fmt(s.get("time_limit"), "g"), reprice_cell(s), first_cell(s),
    ]
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def results_table(summaries: list[Summary]) -> str:
    sep = "|" + "---|" * TABLE_HEAD.count(" | ") + "---|"
    return "\n".join([TABLE_HEAD, sep, *(table_row(s) for s in summaries)])


def _by(summaries: list[Summary], solver: str) -> dict[str, Summary]:
    return {s.instance: s for s in summaries if s.solver == solver}


def _ratio(ours: float | None, theirs: float | None) -> str:
    return "–" if not ours or not theirs else f"{ours / theirs:.3f}"


def baseline_table(summaries: list[Summary]) -> str:
    ours, base = _by(summaries, "affiche"), _by(summaries, "baseline")
    lines = ["| instance | ours: first feasible, process s | baseline: first feasible, process s "
             "| baseline status | ratio ours / baseline (process) | ratio (solver only) |",
             "|---|---|---|---|---|---|"]
    for name, b in base.items():
        o = ours.get(name)
        o_first = o.get("first_feasible_process_s") if o else None
        lines.append(
            f"| {name} | {fmt(o_first)} | {fmt(b.get('first_feasible_process_s'))} | {b.status} "
            f"| {_ratio(o_first, b.get('first_feasible_process_s'))} "
            f"| {_ratio(o.get('solver_first_s') if o else None, b.get('solver_first_s'))} |"
        )
    return "\n".join(lines)


SCALE_HEAD = (
    "| items | first feasible, process s | final objective | bound | gap | peak MB "
    "| previous: first feasible s | previous: objective | previous: bound | previous: gap "
    "| previous: peak MB | limit s | re-priced | first complete | violations "
    "| first feasible, now / previous |"
)
SERIES = {"gen": "Two cities (`gen/`: Enghien-les-Bains, Sapporo)",
          "gen3": "Three cities and time zones (`gen3/`: Enghien-les-Bains, Austin, Sapporo)"}


def _series_key(name: str) -> tuple[str, int, float, int] | None:
    """(series, items, own limit or 0, seed) of a generated instance's name, else None."""
    from benchmarks.instances import generated_name

    parsed = generated_name(name)
    if parsed is None:
        return None
    return ("gen3" if parsed.cities == 3 else "gen", parsed.items, parsed.limit or 0.0,
            parsed.seed)


def _series_label(name: str) -> str:
    """`gen3/1000-s2@20s` -> `1000 seed 2 @20s`."""
    size, _, limit = name.partition("/")[2].partition("@")
    size = size.replace("-s", " seed ")
    return size + (f" @{limit}" if limit else "")


def _scale_cells(s: Summary | None) -> list[str]:
    if s is None:
        return ["–"] * 5
    return [fmt(s.get("first_feasible_process_s")), fmt(s.get("objective"), "g"),
            fmt(s.get("bound"), "g"), fmt_gap(s.get("gap")), fmt(s.get("peak_mb"), ".0f")]


def scale_table(summaries: list[Summary], previous: list[Summary], series: str = "gen") -> str:
    """One generated series by size, with the previous snapshot's medians beside it (the
    objectives compare only when both runs price alike, see the header). A row with a
    limit of its own names it (`200 @20s`)."""
    ours, before = _by(summaries, "affiche"), _by(previous, "affiche")
    keyed = {n: k for n in ours if (k := _series_key(n)) is not None and k[0] == series}
    lines = [SCALE_HEAD, "|" + "---|" * (SCALE_HEAD.count(" | ") + 1)]
    for name in sorted(keyed, key=lambda n: keyed[n][1:]):
        now, then = ours[name], before.get(name)
        label = _series_label(name)
        ratio = _ratio(now.get("first_feasible_process_s"),
                       then.get("first_feasible_process_s") if then else None)
        cells = [label, *_scale_cells(now), *_scale_cells(then), fmt(now.get("time_limit"), "g"),
                 reprice_cell(now), first_cell(now), fmt(now.get("violations"), "g"), ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scale_tables(summaries: list[Summary], previous: list[Summary]) -> str:
    """Every generated series that ran, each under its heading."""
    ran = {k[0] for s in summaries if s.solver == "affiche"
           and (k := _series_key(s.instance)) is not None}
    return "\n\n".join(f"### {title}\n\n{scale_table(summaries, previous, series)}"
                        for series, title in SERIES.items() if series in ran or not ran)


def _solve_only(summary: Summary | None) -> float | None:
    """Our `solve()` call: model building, hint and search (as the peer's model + CBC)."""
    return None if summary is None else summary.get("solve_call_s")


def peer_table(summaries: list[Summary], peer_note: str | None) -> str:
    """`affiche-cpsat` is our run with CP-SAT forced (no greedy shortcut), to show what
    the model itself does against the peer."""
    ours, peer = _by(summaries, "affiche"), _by(summaries, "conference-scheduler")
    forced = _by(summaries, "affiche-cpsat")
    lines = ["| instance | ours: final, process s | ours: violations | objective ours "
             "| conference_scheduler: final, process s | its status | its violations "
             "| ratio ours / peer | ratio, solve only (model + search) "
             "| ours, CP-SAT forced: final, process s | ratio, CP-SAT forced |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, p in peer.items():
        o, f = ours.get(name), forced.get(name)
        o_final = o.get("final_process_s") if o else None
        f_final = f.get("final_process_s") if f else None
        status = p.status + (f": {p.error}" if p.error else "")
        lines.append(
            f"| {name} | {fmt(o_final)} | {fmt(o.get('violations') if o else None, 'g')} "
            f"| {fmt(o.get('objective') if o else None, 'g')} "
            f"| {fmt(p.get('final_process_s'))} | {status} | {fmt(p.get('violations'), 'g')} "
            f"| {_ratio(o_final, p.get('final_process_s'))} "
            f"| {_ratio(_solve_only(o), p.get('solver_wall_s'))} "
            f"| {fmt(f_final)} | {_ratio(f_final, p.get('final_process_s'))} |"
        )
    if peer_note:
        lines.append(f"\n{peer_note}")
    return "\n".join(lines)


# --- targets -------------------------------------------------------------------------------


@dataclass
class Target:
    title: str
    target: str
    measured: str
    verdict: str  # "met", "missed by ...", "not measured ..."


def _within(value: float | None, limit: float, unit: str = "s") -> str:
    if value is None:
        return "missed: no feasible programme"
    if value < limit:
        return "met"
    return f"missed by {value - limit:.2f} {unit} ({value / limit:.1f}x the target)"


def target_fosdem(summaries: list[Summary]) -> Target:
    s = _by(summaries, "affiche").get(FOSDEM_ANY_ROOM)
    title, goal = "FOSDEM 2026 any-room to first feasible", "< 2 s (baseline: about 9 s)"
    if s is None:
        return Target(title, goal, "–", "not measured (instance not run)")
    value = s.get("first_feasible_process_s")
    measured = (f"{fmt(value)} s whole process (solver alone {fmt(s.get('solver_first_s'))} s); "
                f"status {s.status} at a {s.get('time_limit') or 0:g} s limit")
    return Target(title, goal, measured, _within(value, 2.0))


def target_real(summaries: list[Summary]) -> Target:
    real = [s for s in _by(summaries, "affiche").values() if s.instance.startswith("real/")]
    title, goal = "every real schedule feasible", "< 10 s each (whole process)"
    if not real:
        return Target(title, goal, "–", "not measured (no real schedule run)")
    worst = max(real, key=lambda s: s.get("first_feasible_process_s") or math.inf)
    value = worst.get("first_feasible_process_s")
    failing = [s.instance for s in real
               if (s.get("first_feasible_process_s") or math.inf) >= 10.0]
    measured = f"slowest: {worst.instance}, {fmt(value)} s"
    if failing:
        measured += f"; over 10 s or none: {', '.join(failing)}"
    return Target(title, goal, measured, _within(value, 10.0))


GAP_TARGET = 0.05  # issue 16 (moonshot 1 %)


SMALL_GAP = 0.01  # issue 16: a 200-item festival proven optimal or under 1 % in 20 s


def target_scale(summaries: list[Summary], name: str = "gen/4000") -> Target:
    s = _by(summaries, "affiche").get(name)
    title = f"4,000-item generated festival ({name})"
    goal = "first feasible < 15 s, peak memory < 1 GB"
    if s is None:
        return Target(title, goal, "–", f"not measured ({name} not run)")
    first, peak = s.get("first_feasible_process_s"), s.get("peak_mb")
    measured = f"first feasible {fmt(first)} s, peak {fmt(peak, '.0f')} MB"
    missed = [what for what, bad in (("time", first is None or first >= 15),
                                     ("memory", peak is None or peak >= 1024)) if bad]
    return Target(title, goal, measured, "met" if not missed else "missed: " + ", ".join(missed))


def _gap_verdict(s: Summary, goal_gap: float, seconds: float) -> str:
    gap, limit = s.get("gap"), s.get("time_limit") or 0
    if s.status.startswith("optimal") or (gap is not None and gap < goal_gap):
        return "met" if limit <= seconds else f"not measured at {seconds:g} s (ran {limit:g} s)"
    if limit < seconds:
        return f"not measured at {seconds:g} s (ran with {limit:g} s)"
    if gap is None and s.get("objective") is not None:
        return "missed: a programme but no bound, so no gap"
    if gap is None:
        return "missed: no feasible programme"
    return f"missed by {100 * (gap - goal_gap):.2f} points of gap"


def target_gap(summaries: list[Summary], name: str = "gen/1000") -> Target:
    s = _by(summaries, "affiche").get(name)
    title = f"1,000-item generated festival ({name})"
    goal = f"gap < {100 * GAP_TARGET:g} % within 60 s"
    if s is None:
        return Target(title, goal, "–", f"not measured ({name} not run; drop --quick)")
    measured = (f"gap {fmt_gap(s.get('gap'))} at a {s.get('time_limit') or 0:g} s limit, "
                f"status {s.status}")
    return Target(title, goal, measured, _gap_verdict(s, GAP_TARGET, 60))


def target_small(summaries: list[Summary], names: tuple[str, ...] = ("gen3/200@20s",
                                                                      "gen/200@20s")) -> Target:
    """The first of `names` that ran."""
    ours = _by(summaries, "affiche")
    s = next((ours[n] for n in names if n in ours), None)
    title = "200-item festival in 20 s"
    goal = f"proven optimal or gap < {100 * SMALL_GAP:g} %"
    if s is None:
        return Target(title, goal, "–", f"not measured ({' or '.join(names)} not run)")
    measured = (f"{s.instance}: status {s.status}, gap {fmt_gap(s.get('gap'))} "
                f"(objective {fmt(s.get('objective'), 'g')}, bound {fmt(s.get('bound'), 'g')}) "
                f"at a {s.get('time_limit') or 0:g} s limit")
    return Target(title, goal, measured, _gap_verdict(s, SMALL_GAP, 20))


def _affiche_answers(summaries: list[Summary]) -> list[Summary]:
    return [s for s in summaries if s.solver in ("affiche", "affiche-cpsat")
            and s.get("objective") is not None]


def target_checked(summaries: list[Summary]) -> Target:
    title, goal = "every result passes the checker", "0 hard violations in every programme"
    answers = _affiche_answers(summaries)
    if not answers:
        return Target(title, goal, "–", "not measured (no programme)")
    bad = [s.instance for s in answers if s.get("violations")]
    unchecked = [s.instance for s in answers if s.get("unchecked")]
    measured = (f"{len(answers) - len(bad) - len(unchecked)} of {len(answers)} instances "
                "checked clean" + (f"; violations: {', '.join(bad)}" if bad else "")
                + (f"; not checked: {', '.join(unchecked)}" if unchecked else ""))
    verdict = "met" if not bad and not unchecked else (
        "missed" if bad else "not measured for " + ", ".join(unchecked))
    return Target(title, goal, measured, verdict)


def target_never_worse(summaries: list[Summary]) -> Target:
    title = "never worse than the first complete programme"
    goal = "every run's objective <= its greedy programme's, counted in full"
    answers = [s for s in _affiche_answers(summaries) if s.get("worse_than_first") is not None]
    if not answers:
        return Target(title, goal, "–", "not measured (no audited run)")
    worse = [f"{s.instance} ({s.get('worse_than_first'):g} run(s))" for s in answers
             if s.get("worse_than_first")]
    measured = f"{len(answers)} instances compared" + (
        f"; worse: {', '.join(worse)}" if worse else "")
    return Target(title, goal, measured, "missed" if worse else "met")


def target_reprice(summaries: list[Summary]) -> Target:
    title = "objective re-priced independently"
    goal = "benchmarks/reprice.py (the documented rules) = the reported objective, every run"
    answers = [s for s in _affiche_answers(summaries) if s.get("reprice_mismatches") is not None]
    if not answers:
        return Target(title, goal, "–", "not measured (no audited run)")
    off = [f"{s.instance} (re-priced {fmt(s.get('repriced'), 'g')} against "
           f"{fmt(s.get('objective'), 'g')})" for s in answers if s.get("reprice_mismatches")]
    measured = f"{len(answers)} instances re-priced" + (
        f"; differ: {', '.join(off)}" if off else "")
    return Target(title, goal, measured, "missed" if off else "met")


def target_time_limit(summaries: list[Summary]) -> Target:
    """Issue 16: the time limit holds for the whole solve (greedy pass, model, search and
    read-back: the solve call); the whole process, interpreter start included, is shown."""
    title = "the time limit holds"
    goal = "the solve call (greedy, model, search) ends within the limit"
    runs = [s for s in _by(summaries, "affiche").values()
            if s.get("solve_call_s") is not None and s.get("time_limit")]
    if not runs:
        return Target(title, goal, "–", "not measured (no timed run)")
    over = sorted(((s.get("solve_call_s") or 0) - (s.get("time_limit") or 0), s.instance)
                  for s in runs)
    worst, name = over[-1]
    s = _by(summaries, "affiche")[name]
    measured = (f"worst {name}: solve call {fmt(s.get('solve_call_s'))} s at a "
                f"{s.get('time_limit'):g} s limit (whole process "
                f"{fmt(s.get('final_process_s'))} s)")
    late = [n for extra, n in over if extra > 0]
    verdict = "met" if not late else (f"missed by {worst:.2f} s at worst ({len(late)} of "
                                      f"{len(runs)} instances over)")
    return Target(title, goal, measured, verdict)


def target_peer(summaries: list[Summary]) -> Target:
    ours, peer = _by(summaries, "affiche"), _by(summaries, "conference-scheduler")
    title, goal = "faster than conference_scheduler", ">= 10x on every grid instance (0 violations)"
    pairs = [(n, ours[n], p) for n, p in peer.items() if n in ours]
    speedups, solve_only = [], []
    for name, o, p in pairs:
        o_t, p_t = o.get("final_process_s"), p.get("final_process_s")
        if o_t and p_t and o.get("violations") == 0 and p.get("violations") == 0:
            speedups.append((name, p_t / o_t))
            o_s, p_s = o.get("solve_call_s"), p.get("solver_wall_s")
            solve_only.append(f"{name}: {p_s / o_s:.1f}x" if o_s and p_s else f"{name}: –")
    if not speedups:
        return Target(title, goal, "–", "not measured (conference_scheduler did not run)")
    measured = (", ".join(f"{n}: {x:.1f}x" for n, x in speedups)
                + " (peer time / ours, whole process, judged); solve only (model + search): "
                + ", ".join(solve_only))
    worst = min(x for _, x in speedups)
    verdict = "met" if worst >= 10 else f"missed: worst {worst:.1f}x, {10 - worst:.1f}x short"
    return Target(title, goal, measured, verdict)


def fit_slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(time) against log(size)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return None if den == 0 else sum((x - mx) * (y - my) for x, y in pts) / den


def generated_series(
    summaries: list[Summary], solver: str, key: str, size: str = "items"
) -> list[tuple[float, float]]:
    series = [
        (float(s.sizes.get(size, 0)), s.get(key))
        for s in _by(summaries, solver).values()
        if s.instance.startswith("gen/") and "@" not in s.instance and s.get(key)
    ]
    return sorted((x, float(y)) for x, y in series if y is not None)


def target_growth(summaries: list[Summary]) -> Target:
    title, goal = "growth with size (generated series)", f"about linear: slope <= {LINEAR_SLOPE}"
    unsolved = [s.instance for s in _by(summaries, "affiche").values()
                if s.instance.startswith("gen/") and "@" not in s.instance
                and s.get("first_feasible_s") is None]
    slope = fit_slope(generated_series(summaries, "affiche", "first_feasible_s"))
    if unsolved:
        return Target(title, goal, f"slope {fmt(slope)} over the sizes solved",
                      f"missed: no feasible programme for {', '.join(unsolved)} in the limit")
    if slope is None:
        return Target(title, goal, "–", "not measured (fewer than 2 generated sizes solved)")
    others = {
        "solver alone": fit_slope(generated_series(summaries, "affiche", "solver_first_s")),
        "final status": fit_slope(generated_series(summaries, "affiche", "final_process_s")),
        "against candidate (occurrence, venue) pairs rather than items": fit_slope(
            generated_series(summaries, "affiche", "first_feasible_s", size="candidates")),
    }
    measured = (f"slope {slope:.2f} for load + build + first feasible (no interpreter start); "
                + "; ".join(f"{k} {fmt(v)}" for k, v in others.items()))
    verdict = "met" if slope <= LINEAR_SLOPE else f"missed by {slope - LINEAR_SLOPE:.2f}"
    return Target(title, goal, measured, verdict)


def targets(summaries: list[Summary]) -> list[Target]:
    return [target_fosdem(summaries), target_real(summaries), target_gap(summaries),
            target_gap(summaries, "gen3/1000"), target_scale(summaries),
            target_scale(summaries, "gen3/4000"), target_small(summaries),
            target_checked(summaries), target_never_worse(summaries), target_reprice(summaries),
            target_time_limit(summaries), target_peer(summaries), target_growth(summaries)]


def targets_markdown(found: list[Target]) -> str:
    lines = ["| target | goal | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {t.title} | {t.target} | {t.measured} | **{t.verdict}** |" for t in found]
    for t in found:
        lines += ["", f"### {t.title}", "", f"- target: {t.target}", f"- measured: {t.measured}",
                  f"- **{t.verdict}**"]
    return "\n".join(lines)


# --- files ---------------------------------------------------------------------------------


PEER_NOTE = (
    "Grid instances have no objective (every weight 0, as conference_scheduler without one). "
    "When affiche's greedy programme places every event it is optimal by definition, and "
    "CP-SAT is not even loaded; `affiche-cpsat` is the same run with CP-SAT forced, to show "
    "the model itself against the peer. Both sides read the same grid from a small JSON file "
    "written by the harness, and one checker counts hard violations in both answers. "
    "conference_scheduler's time includes importing PuLP and CBC's run as a subprocess, as "
    "ours includes importing pydantic and our own modules."
)


def markdown(
    summaries: list[Summary], header: str, peer_note: str | None,
    previous: list[Summary] | None = None,
) -> str:
    return "\n\n".join([
        "# affiche benchmarks", header,
        "## Results (medians over runs)", results_table(summaries),
        "## Generated festivals by size, against the previous snapshot",
        "Previous: the medians of the run given with `--previous` (by default the report "
        "this one replaces, else `benchmarks/snapshots/previous.json`; none: dashes). "
        "Compare ratios, not seconds, across machines and loads. *Re-priced*: the written "
        "schedule.json priced again by `benchmarks/reprice.py` from the documented rules "
        "(`=`: every run agrees with the reported objective). *First complete*: the greedy "
        "programme the same solve started from, as it reports it (`first_objective`), "
        "counted in full.",
        scale_tables(summaries, previous or []),
        "Times: *solver* counts from the start of the CP-SAT search; *process* from the start "
        "of a fresh Python process (interpreter, imports, load, build, model, search). "
        "Peak MB is the child's maximum resident set size. Violations: the independent "
        "checker (`programmes/check.py`), or on grid instances the checker shared with "
        "conference_scheduler.",
        "## Plain CP-SAT baseline (one run)", baseline_table(summaries),
        "## conference_scheduler on grid instances (one run)", PEER_NOTE,
        peer_table(summaries, peer_note),
        "## Targets", targets_markdown(targets(summaries)),
    ]) + "\n"


def write_plot(summaries: list[Summary], path: Path) -> bool:
    """Time against size, log-log, for the generated series; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    curves = [("affiche", "first_feasible_process_s", "affiche: first feasible (process)"),
              ("affiche", "solver_first_s", "affiche: first feasible (solver)"),
              ("affiche", "final_process_s", "affiche: final status (process)"),
              ("baseline", "first_feasible_process_s", "plain CP-SAT: first feasible (process)")]
    figure, axes = plt.subplots(figsize=(7, 5))
    plotted = False
    for solver, key, label in curves:
        points = generated_series(summaries, solver, key)
        if points:
            axes.plot(*zip(*points, strict=True), marker="o", label=label)
            plotted = True
    if not plotted:
        axes.text(0.5, 0.5, "no generated instance solved", ha="center", transform=axes.transAxes)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("items (generated festival)")
    axes.set_ylabel("seconds")
    axes.set_title("affiche: time against size")
    axes.grid(True, which="both", alpha=0.3)
    if plotted:
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True
