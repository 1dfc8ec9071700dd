"""The meetings benchmark's plain CP-SAT baseline obeys the same rules (the independent
checker passes its agendas) and the `make bench` table has its columns. No timing here."""

from __future__ import annotations

from benchmarks.meetings import fabrique_spec, markdown, run_plain, summary


def test_the_plain_model_places_every_must_and_passes_the_checker() -> None:
    spec = fabrique_spec(40, 80, 8, 1, seed=3)
    run = run_plain("tiny", spec, limit=5.0, workers=2)
    section = spec.festivals[0].meetings
    assert section is not None
    musts = sum(r.priority.value == "must" for r in section.requests)
    assert run.status in ("optimal", "feasible") and run.check_problems == 0
    assert run.musts_placed == musts and run.first_solution_seconds is not None
    assert run.idle_minutes_mean is not None
    table = markdown(summary([run]), runs=1, limit=5.0, workers=2)
    assert "first complete agenda (s)" in table
    assert "| tiny | plain-cpsat |" in table and "idle min / participant" in table
