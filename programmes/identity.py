"""Stable identities of what a programme places."""

from __future__ import annotations


def occurrence_uid(festival_id: str, item_id: str, occurrence: int) -> str:
    """The stable id of one occurrence: iCal UID, frab guid and web anchor derive from it."""
    return f"{festival_id}.{item_id}.{occurrence}"
