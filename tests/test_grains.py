"""The solver clock (aware datetimes <-> integer grains) and wall-clock localisation,
including both Europe/Paris daylight-saving changes of 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from affiche.programmes.model import Festival
from affiche.scheduler.grains import Clock, origin_for
from affiche.scheduler.problem import festival_days
from affiche.venues.timeutil import local_at, localize, programme_day, zone

ZONES = ["Europe/Paris", "Asia/Tokyo", "America/New_York", "Australia/Sydney",
         "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns", "UTC"]
ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)
PARIS = "Europe/Paris"

grain_minutes = st.sampled_from([1, 5, 10, 15, 30, 60])
naive_times = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 1))
zone_names = st.sampled_from(ZONES)


@st.composite
def aware_instants(draw: st.DrawFn) -> datetime:
    """Aware datetimes built both ways: pytz through `localize`, and zoneinfo."""
    naive = draw(naive_times)
    name = draw(zone_names)
    if draw(st.booleans()):
        return localize(naive, name)
    return naive.replace(tzinfo=ZoneInfo(name), fold=draw(st.sampled_from([0, 1])))


@given(instant=aware_instants(), minutes=grain_minutes)
def test_ceil_and_floor_bracket_the_instant(instant: datetime, minutes: int) -> None:
    clock = Clock(ORIGIN, minutes)
    up, down = clock.ceil(instant), clock.floor(instant)
    assert clock.instant(down) <= instant <= clock.instant(up)
    assert up - down in (0, 1)
    assert clock.instant(up) - clock.instant(down) <= timedelta(minutes=minutes)
    assert (up == down) == (clock.instant(up) == instant)


@given(grain=st.integers(min_value=-200_000, max_value=200_000), minutes=grain_minutes)
def test_grain_to_instant_and_back_is_exact(grain: int, minutes: int) -> None:
    clock = Clock(ORIGIN, minutes)
    instant = clock.instant(grain)
    assert instant.tzinfo is not None
    assert clock.ceil(instant) == grain == clock.floor(instant)


@given(grain=st.integers(min_value=0, max_value=100_000), name=zone_names)
def test_aligned_local_instants_are_exact_in_any_zone(grain: int, name: str) -> None:
    clock = Clock(ORIGIN, 5)
    local = zone(name).normalize(clock.instant(grain).astimezone(zone(name)))
    assert clock.floor(local) == grain == clock.ceil(local)
    assert clock.instant(grain) == local


@given(minutes=st.integers(min_value=0, max_value=10_000), grain=grain_minutes)
def test_durations_round_up_to_whole_grains(minutes: int, grain: int) -> None:
    grains = Clock(ORIGIN, grain).grains(minutes)
    assert grains * grain >= minutes > (grains - 1) * grain or minutes == grains == 0


@given(instant=aware_instants())
def test_origin_is_the_utc_midnight_at_or_before(instant: datetime) -> None:
    origin = origin_for(instant)
    assert origin.utcoffset() == timedelta(0)
    assert (origin.hour, origin.minute, origin.second, origin.microsecond) == (0, 0, 0, 0)
    assert timedelta(0) <= instant - origin < timedelta(days=1)


def test_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware origin"):
        Clock(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive datetime"):
        Clock(ORIGIN).ceil(datetime(2026, 1, 1, 10))
    with pytest.raises(ValueError, match="at least one minute"):
        Clock(ORIGIN, 0)


# --- the two daylight-saving changes of 2026 in Paris ---------------------------------


@pytest.mark.parametrize(
    ("day", "real_minutes", "start_offset", "end_offset"),
    [
        (date(2026, 3, 29), 60, 1, 2),  # spring forward at 02:00: one real hour
        (date(2026, 10, 25), 180, 2, 1),  # fall back at 03:00: three real hours
    ],
)
def test_window_across_a_dst_change(
    day: date, real_minutes: int, start_offset: int, end_offset: int
) -> None:
    start = localize(datetime.combine(day, time(1, 30)), PARIS)
    end = localize(datetime.combine(day, time(3, 30)), PARIS)
    assert start.utcoffset() == timedelta(hours=start_offset)
    assert end.utcoffset() == timedelta(hours=end_offset)
    assert end - start == timedelta(minutes=real_minutes)
    clock = Clock(origin_for(start), 5)
    first, last = clock.ceil(start), clock.floor(end)
    assert (last - first) * 5 == real_minutes
    assert clock.instant(first) == start and clock.instant(last) == end
    # every grain in between reads back as a real Paris wall time, in order
    walls = [zone(PARIS).normalize(clock.instant(g).astimezone(zone(PARIS)))
             for g in range(first, last + 1)]
    assert all(b - a == timedelta(minutes=5) for a, b in zip(walls, walls[1:], strict=False))
    assert walls[0].strftime("%H:%M") == "01:30" and walls[-1].strftime("%H:%M") == "03:30"


def test_localize_moves_a_missing_spring_time_forward_by_the_gap() -> None:
    moved = localize(datetime(2026, 3, 29, 2, 30), PARIS)
    assert moved.isoformat() == "2026-03-29T03:30:00+02:00"
    assert moved.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_localize_reads_an_ambiguous_autumn_time_as_summer_time() -> None:
    first = localize(datetime(2026, 10, 25, 2, 30), PARIS)
    assert first.isoformat() == "2026-10-25T02:30:00+02:00"
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_localize_never_gives_local_mean_time() -> None:
    # datetime(..., tzinfo=pytz.timezone("Europe/Paris")) would be +00:09
    assert localize(datetime(2026, 1, 10, 12), PARIS).utcoffset() == timedelta(hours=1)
    assert localize(datetime(2026, 7, 10, 12), PARIS).utcoffset() == timedelta(hours=2)


def test_localize_keeps_aware_instants_and_converts_them() -> None:
    instant = datetime(2026, 6, 12, 8, tzinfo=UTC)
    local = localize(instant, "Asia/Tokyo")
    assert local == instant and local.hour == 17


def test_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Pariss'"):
        zone("Europe/Pariss")


@given(naive=naive_times, name=zone_names)
def test_localize_round_trips_every_existing_wall_time(naive: datetime, name: str) -> None:
    local = localize(naive, name)
    wall = local.replace(tzinfo=None)
    exists = ZoneInfo(name)
    reread = naive.replace(tzinfo=exists).astimezone(UTC).astimezone(exists).replace(tzinfo=None)
    if reread == naive:  # the wall time exists: it is kept
        assert wall == naive
    else:  # it falls in a gap: moved forward by the gap, never backward
        assert wall > naive
        assert wall - naive <= timedelta(hours=1)


@given(
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    clock=st.times(),
    name=zone_names,
)
def test_local_at_belongs_to_its_programme_day(day: date, clock: time, name: str) -> None:
    clock = clock.replace(second=0, microsecond=0)
    assert programme_day(local_at(day, clock, name, 4), name, 4) == day


def test_programme_days_across_the_spring_change() -> None:
    festival = Festival.model_validate({
        "id": "nuits", "name": "Nuits", "timezone": PARIS, "start": "2026-03-28",
        "end": "2026-03-30", "venues": [{"id": "club", "name": "Club"}],
    })
    clock = Clock(origin_for(localize(datetime(2026, 3, 27), PARIS)), 5)
    days = festival_days(festival, clock)
    assert [d.end - d.start for d in days] == [23 * 12, 24 * 12, 24 * 12]
    assert all(a.end == b.start for a, b in zip(days, days[1:], strict=False))
    assert clock.instant(days[1].start) == localize(datetime(2026, 3, 29, 4), PARIS)
