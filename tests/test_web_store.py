"""The store: migrations and round trips, on SQLite always and PostgreSQL when configured."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from affiche.web.errors import NotFoundInStore
from affiche.web.store import ABANDONED_AFTER, MIGRATIONS, Base, Store, aware, schema_version

POSTGRES_URL = os.environ.get("AFFICHE_TEST_POSTGRES_URL")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not POSTGRES_URL,
                reason="set AFFICHE_TEST_POSTGRES_URL to run the store on PostgreSQL",
            ),
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = str(POSTGRES_URL)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for table in (
                "publish_runs",
                "producer_sessions",
                "login_failures",
                "solve_progress",
                "published_versions",
                "solve_runs",
                "pins",
                "specs",
                "schema_version",
            ):
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
        engine.dispose()
    created = Store(url)
    created.migrate()
    yield created
    created.dispose()


def test_migrations_are_recorded_and_idempotent(store: Store) -> None:
    assert schema_version(store.engine) == len(MIGRATIONS)
    assert store.migrate() == len(MIGRATIONS)
    assert schema_version(store.engine) == len(MIGRATIONS)


def test_migrated_schema_matches_the_mapped_classes(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_specs_round_trip(store: Store) -> None:
    row, created = store.put_spec("a", "yaml", "festivals: []", ["f"])
    assert created and row.festival_ids == ["f"]
    _, created_again = store.put_spec("a", "yaml", "changed", ["f"])
    assert not created_again and store.spec("a").content == "changed"
    store.delete_spec("a")
    with pytest.raises(NotFoundInStore):
        store.spec("a")


def test_solve_runs_progress_and_versions(store: Store) -> None:
    run = store.new_solve(["a"], {"time_limit": 1})
    store.mark_running(run.id)
    store.add_progress(run.id, "one")
    store.add_progress(run.id, "two")
    assert store.solve(run.id).status == "running"
    assert store.progress(run.id) == ["one", "two"]
    store.finish_solve(run.id, summary={"status": "optimal"}, schedule_json="{}", error=None)
    assert store.latest_done_solve().id == run.id
    store.fail_unfinished(run.id, "late crash")
    assert store.solve(run.id).status == "done"
    version = store.add_version(1, run.id, 3, 0, 0, ["w"])
    assert store.versions()[0].id == version.id


def test_pins_replace_by_uid(store: Store) -> None:
    store.put_pin("f.i.1", "f", "i", 1, "v", None)
    store.put_pin("f.i.1", "f", "i", 1, "w", "2018-06-15T15:00:00")
    [pin] = store.pins()
    assert pin.venue == "w" and pin.start == "2018-06-15T15:00:00"
    store.delete_pin("f.i.1")
    with pytest.raises(NotFoundInStore):
        store.delete_pin("f.i.1")


def test_runs_a_killed_server_left_unfinished_are_failed_only_past_their_time_limit(
    store: Store,
) -> None:
    """SIGKILL runs no callback: without this the run stays "running" for ever. A run
    still inside its time limit plus ABANDONED_AFTER may be another server's, alive."""
    solve = store.new_solve(["a"], {"time_limit": 600})
    store.mark_running(solve.id)
    queued = store.new_solve(["a"], {"time_limit": 30})
    done = store.new_solve(["a"], {"time_limit": 30})
    store.finish_solve(done.id, summary={"status": "optimal"}, schedule_json="{}", error=None)
    publish = store.new_publish(done.id, None)
    started = aware(store.solve(solve.id).started)
    assert started is not None
    soon = started + timedelta(seconds=600) + ABANDONED_AFTER - timedelta(minutes=1)
    # inside the long run's limit: the queued short run and the publish are abandoned
    assert store.fail_abandoned(soon) == 2
    assert store.solve(solve.id).status == "running"
    assert store.solve(queued.id).status == "failed"
    assert "interrupted" in (store.solve(queued.id).error or "")
    assert store.publish_run(publish.id).status == "failed"
    later = soon + timedelta(minutes=2)
    assert store.fail_abandoned(later) == 1
    failed = store.solve(solve.id)
    assert failed.status == "failed" and "start it again" in (failed.error or "")
    assert store.solve(done.id).status == "done"  # a finished run is never touched
    assert store.fail_abandoned(later) == 0


def test_a_fresh_run_is_not_abandoned(store: Store) -> None:
    run = store.new_solve(["a"], {"time_limit": 30})
    store.mark_running(run.id)
    assert store.fail_abandoned() == 0
    assert [row.status for row in store.solves()] == ["running"]
