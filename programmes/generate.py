"""Seeded festival-shaped instances, for benchmarks and tests of how cost grows.

Two festivals in two cities (Enghien-les-Bains and Sapporo) sharing touring artists, with
installations, repeated performances, talks, workshops and one-to-one meetings. The same
seed and size always give the same spec.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

KINDS = [("performance", 45), ("concert", 60), ("talk", 30), ("talk", 45), ("workshop", 90),
         ("screening", 90), ("meeting", 30)]
FEATURES = ["sound", "projection", "dark_room", "stage", "seating"]


def _venues(rng: random.Random, prefix: str, count: int) -> list[dict[str, Any]]:
    venues = []
    for n in range(count):
        venues.append(
            {
                "id": f"{prefix}-v{n}",
                "name": f"{prefix.title()} venue {n}",
                "capacity": rng.choice([80, 150, 300, 600]),
                "features": sorted(rng.sample(FEATURES, 3)),
                "changeover_minutes": rng.choice([0, 10, 15]),
                "installation_slots": 3,
                "hours": {"opens": "10:00", "closes": "23:00"},
            }
        )
    return venues


def _items(
    rng: random.Random, prefix: str, count: int, artists: list[str], days: int
) -> list[dict[str, Any]]:
    items = []
    for n in range(count):
        if n % 12 == 0:
            items.append({"id": f"{prefix}-i{n}", "kind": "installation",
                          "title": f"Installation {n}", "artists": [rng.choice(artists)]})
            continue
        kind, duration = rng.choice(KINDS)
        item: dict[str, Any] = {
            "id": f"{prefix}-i{n}",
            "kind": kind,
            "title": {"en": f"{kind.title()} {n}", "fr": f"{kind.title()} n°{n}"},
            "duration": duration,
            "artists": rng.sample(artists, rng.choice([1, 1, 1, 2])),
            "requires": rng.sample(["sound", "projection"], rng.choice([0, 1])),
            "tags": rng.sample(["families", "pros", "students"], rng.choice([0, 1])),
        }
        if kind == "performance" and days > 1:
            item["occurrences"] = rng.choice([1, 2, 3])
        items.append(item)
    return items


def generate_spec(items: int, seed: int = 1) -> dict[str, Any]:
    """A spec (as plain data, ready for `Spec.model_validate`) with about `items` items."""
    rng = random.Random(seed)
    days = 4
    per_festival = [items * 3 // 4, items - items * 3 // 4]
    venues_per = [max(3, n // 25) for n in per_festival]
    artists = [f"a{n}" for n in range(max(4, items // 3))]
    touring = artists[:max(2, len(artists) // 20)]
    start = [date(2027, 6, 10), date(2027, 6, 18)]
    places = [("enghien", "Enghien-les-Bains", "Europe/Paris"), ("sapporo", "Sapporo",
                                                                  "Asia/Tokyo")]
    festivals = []
    for index, (prefix, city, tz) in enumerate(places):
        local = touring + artists[len(touring):][index::2]
        festivals.append(
            {
                "id": f"{prefix}-{seed}",
                "name": f"{city} generated festival",
                "city": city,
                "timezone": tz,
                "start": start[index].isoformat(),
                "end": (start[index] + timedelta(days=days - 1)).isoformat(),
                "default_walking_minutes": 10,
                "venues": _venues(rng, prefix, venues_per[index]),
                "items": _items(rng, prefix, per_festival[index], local, days),
            }
        )
    return {
        "festivals": festivals,
        "artists": [{"id": a, "name": f"Artist {a}"} for a in artists],
        "solver": {"travel": [{"between": ["Enghien-les-Bains", "Sapporo"], "minutes": 1440}]},
    }
