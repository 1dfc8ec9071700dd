"""The CP-SAT model holds each constraint once: none repeated, none repeated under another
enforcement literal, and no variable for a choice the domains already make."""

from __future__ import annotations

from collections import Counter

from affiche.programmes.generate import generate_spec
from affiche.programmes.model import Spec
from affiche.scheduler.cpsat import build_model
from affiche.scheduler.problem import Problem, build_problem
from tests.builders import artist, festival, item, make_spec, spec_data, venue


def _body(constraint: object) -> str:
    """A constraint in text form without its name and enforcement literals."""
    return "\n".join(line for line in str(constraint).splitlines()
                     if not line.startswith(("name:", "enforcement_literal:")))


def _repeated(problem: Problem) -> tuple[Counter[str], Counter[str]]:
    """Constraints the model holds twice: as they are, and under other enforcement."""
    variables, _ = build_model(problem, allow_unplaced=False)
    exact: Counter[str] = Counter()
    bodies: Counter[str] = Counter()
    for constraint in variables.model.proto.constraints:
        body = _body(constraint)
        exact[f"{sorted(constraint.enforcement_literal)}|{body}"] += 1
        if not constraint.has_interval():  # one start, several venues' intervals
            bodies[body] += 1
    return (Counter({k: n for k, n in exact.items() if n > 1}),
            Counter({k: n for k, n in bodies.items() if n > 1}))


def _shared_items() -> Spec:
    """Two artists who play the same two items (a duo), in two of three venues each."""
    venues = [venue("hall"), venue("studio"), venue("garden")]
    items = [item("first", artists=["ana", "bo"], venues=["hall", "studio"]),
             item("second", artists=["ana", "bo"], venues=["hall", "garden"]),
             item("third", artists=["ana"], venues=["studio"]),
             item("fourth", artists=["bo"], venues=["garden"])]
    return make_spec(spec_data(festivals=[festival(venues=venues, items=items)],
                               artists=[artist("ana"), artist("bo", min_rest_minutes=30)]))


def test_a_duo_shares_its_travel_constraints() -> None:
    exact, under_other_enforcement = _repeated(build_problem(_shared_items()))
    assert not exact
    assert not under_other_enforcement


def test_a_generated_festival_repeats_no_constraint() -> None:
    problem = build_problem(Spec.model_validate(generate_spec(120, 1)))
    exact, under_other_enforcement = _repeated(problem)
    assert not exact
    assert not under_other_enforcement


def test_a_same_venue_literal_only_where_the_domains_leave_the_choice() -> None:
    """Of the pairs with an artist in common, `first` (hall, studio) and `fourth` (garden)
    share no venue, nor do `second` (hall, garden) and `third` (studio): their walking time
    is a constant. `third` shares the studio with `first`: they are in one venue exactly
    when `first` is in the studio, a literal the model has already."""
    variables, _ = build_model(build_problem(_shared_items()), allow_unplaced=False)
    names = [v.name for v in variables.model.proto.variables]
    same = sorted(name for name in names if name.startswith("same_venue["))
    assert same == ["same_venue[fest.first.1,fest.second.1]"]


def test_venues_with_one_prime_time_share_the_literal_for_starting_in_it() -> None:
    prime = {"opens": "20:00", "closes": "23:00"}
    venues = [venue("hall", prime=prime), venue("studio", prime=prime),
              venue("garden", prime={"opens": "19:00", "closes": "21:00"})]
    star = item("star", headliner=True)
    problem = build_problem(make_spec(spec_data(festivals=[festival(venues=venues,
                                                                    items=[star])])))
    variables, _ = build_model(problem, allow_unplaced=False)
    names = [v.name for v in variables.model.proto.variables]
    assert sorted(n for n in names if n.startswith("starts_in_prime[")) == [
        "starts_in_prime[fest.star.1,garden]", "starts_in_prime[fest.star.1,hall]"]
    assert len([n for n in names if n.startswith("in_prime[")]) == 3
