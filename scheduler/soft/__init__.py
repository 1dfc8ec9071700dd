"""The soft families: the registry every reader of the objective goes through.

Each family is one unit (a `SoftFamily` in its own module) holding its CP-SAT term, its
price of a programme and its marginal cost for the greedy pass; `cpsat.py` sums the terms,
`pricing.py` the prices and floors, `marginal.py` the marginal costs. A term's expression
counts violations (0 when satisfied), so the report can say, family by family, what the
programme gave up and where. Each violation literal is tied to its cause both ways (set
exactly when violated): a one-way link lets a solution that is not optimal carry a literal
at 1 for a violation that is not there, and the report would list it.

Adding a family: a module with a `SoftFamily` subclass, and one line below. The order is
the model's and the floors' (hotel nights' floor runs before the repeats' floor, which
counts nights only on stays the former left alone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from affiche.scheduler.problem import Problem
from affiche.scheduler.soft.audience_clash import AudienceClash
from affiche.scheduler.soft.family import SoftFamily, Term
from affiche.scheduler.soft.hotel_nights import HotelNights
from affiche.scheduler.soft.preferred_hours import PreferredHours
from affiche.scheduler.soft.preferred_venue import PreferredVenue
from affiche.scheduler.soft.prime_time import PrimeTime
from affiche.scheduler.soft.repeats import RepeatOnOneDay
from affiche.scheduler.soft.stability import Stability
from affiche.scheduler.soft.unplaced import Unplaced

if TYPE_CHECKING:
    from affiche.scheduler.variables import Variables

__all__ = ["SOFT_FAMILIES", "SoftFamily", "Term", "family_names", "soft_terms"]

SOFT_FAMILIES: list[SoftFamily] = [
    PreferredVenue(),
    PreferredHours(),
    AudienceClash(),
    HotelNights(),
    RepeatOnOneDay(),
    PrimeTime(),
    Stability(),
    Unplaced(),
]


def soft_terms(problem: Problem, v: Variables) -> list[Term]:
    """Every family's weighted terms of the CP-SAT objective."""
    return [term for family in SOFT_FAMILIES for term in family.terms(problem, v)]


def family_names() -> list[str]:
    """The families' names, as reports and the objective's terms use them."""
    return [family.name for family in SOFT_FAMILIES]
