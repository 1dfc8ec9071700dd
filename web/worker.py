"""Solves run in worker processes, never on the event loop; progress goes to the store.

`SolveRunner.start(...)` records nothing itself: the caller created the run row. The job
(`run_solve`) opens its own connection to the store from the URL, so it works the same
with SQLite and with PostgreSQL, and with a pool of processes on this machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from affiche.programmes.changes import Changes
from affiche.programmes.errors import SpecError
from affiche.programmes.pins import PinRequest
from affiche.programmes.publish.versions import PublishError
from affiche.scheduler.plan import FitsNowhere, NoProgramme, PlanOptions, SpecText, plan
from affiche.web.store import UNFINISHED, Store


@dataclass(frozen=True)
class SolveJob:
    solve_id: int
    db_url: str
    specs: list[SpecText]
    pins: list[PinRequest] = field(default_factory=list)
    published: str | None = None  # the served folder: re-plan against its published version
    time_limit: float = 30.0
    allow_unplaced: bool = False
    workers: int = 0


@dataclass(frozen=True)
class PublishJob:
    run_id: int
    db_url: str
    directory: str
    solve_id: int | None
    schedule_json: str | None
    base_url: str | None


class SolveFailed(Exception):
    """A solve that ends without a programme, with the producer-facing reason."""


def run_solve(job: SolveJob) -> str:
    """The job in the worker process: `plan()`, then store everything."""
    store = Store(job.db_url)
    try:
        store.mark_running(job.solve_id)
        say = lambda line: store.add_progress(job.solve_id, line)  # noqa: E731
        try:
            summary, schedule_json = _pipeline(job, say)
        except SolveFailed as error:
            say(f"failed: {error}")
            store.finish_solve(job.solve_id, summary=None, schedule_json=None, error=str(error))
            return "failed"
        except Exception as error:  # a bug must still end the run, with its trace
            say("failed: internal error")
            detail = f"internal error: {error!r}\n{traceback.format_exc(limit=8)}"
            store.finish_solve(job.solve_id, summary=None, schedule_json=None, error=detail)
            return "failed"
        say("done")
        store.finish_solve(job.solve_id, summary=summary, schedule_json=schedule_json, error=None)
        return "done"
    finally:
        store.dispose()


def _pipeline(job: SolveJob, say: Any) -> tuple[dict[str, Any], str]:
    """`plan()` with the stored specs and pins, re-planning against the served folder's
    published version (the default, as on the command line)."""
    say(f"loading {len(job.specs)} spec(s): {', '.join(s.name for s in job.specs)}")
    options = PlanOptions(
        time_limit=job.time_limit,
        workers=job.workers,
        allow_unplaced=job.allow_unplaced,
        strict_pins=False,
        published=Path(job.published) if job.published else None,
        progress=say,
        steps=say,
    )
    try:
        planned = plan(job.specs, job.pins, options)
    except SpecError as error:
        raise SolveFailed("; ".join(str(issue) for issue in error.issues)) from None
    except (FitsNowhere, NoProgramme, PublishError) as error:
        raise SolveFailed(str(error)) from None
    schedule = planned.schedule
    summary = {
        **planned.summary.as_dict(),
        "placed": len(schedule.placements),
        "unplaced": len(schedule.unplaced),
    }
    if planned.changes is not None:
        summary["changes"] = changes_summary(planned.changes)
    return summary, schedule.model_dump_json()


def changes_summary(changes: Changes) -> dict[str, Any]:
    """The changes against the published version, for the producer: titles and names."""
    return {
        "kept": len(changes.kept),
        "moved": [[changes.title(uid), where] for uid, where in changes.moved],
        "cancelled": [changes.title(uid) for uid in changes.cancelled],
        "new": [changes.title(uid) for uid in changes.new],
        "artists_to_tell": changes.artists_to_tell,
    }


STOPPED = "the server stopped before the run ended: start it again"
POLL_SECONDS = 0.25  # how often a run another server process started is looked up


class SolveRunner:
    """A pool of worker processes (spawned lazily) and the futures of the runs it started."""

    def __init__(self, store: Store, processes: int = 1) -> None:
        self.store = store
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self.futures: dict[int, Future[str]] = {}
        self.publishes: dict[int, Future[str]] = {}

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.processes + 1, mp_context=context)
        return self._pool

    def start(self, job: SolveJob) -> Future[str]:
        try:
            future = self._executor().submit(run_solve, job)
        except BrokenProcessPool:
            self._pool = None
            future = self._executor().submit(run_solve, job)
        self.futures[job.solve_id] = future
        future.add_done_callback(lambda f: self._finished(job.solve_id, f))
        return future

    def start_publish(self, job: PublishJob) -> Future[str]:
        try:
            future = self._executor().submit(run_publish, job)
        except BrokenProcessPool:
            self._pool = None
            future = self._executor().submit(run_publish, job)
        self.publishes[job.run_id] = future
        future.add_done_callback(lambda f: self._published(job.run_id, f))
        return future

    def _published(self, run_id: int, future: Future[str]) -> None:
        error = future.exception() if not future.cancelled() else None
        if future.cancelled() or error is not None:
            reason = "cancelled" if future.cancelled() else f"worker crashed: {error!r}"
            self.store.fail_unfinished_publish(run_id, reason)

    async def wait_publish(self, run_id: int, timeout: float) -> None:
        """Wait until publish `run_id` ends or `timeout` passes (its row, whichever server
        process started it)."""
        await self._wait_for_row(lambda: self.store.publish_run(run_id),
                                 self.publishes.get(run_id), timeout)

    def _finished(self, solve_id: int, future: Future[str]) -> None:
        error = future.exception() if not future.cancelled() else None
        if future.cancelled() or error is not None:
            reason = "cancelled" if future.cancelled() else f"worker crashed: {error!r}"
            self.store.fail_unfinished(solve_id, reason)

    async def wait(self, solve_id: int, timeout: float) -> None:
        """Wait (without blocking the loop) until run `solve_id` ends or `timeout` passes."""
        await self._wait_for_row(lambda: self.store.solve(solve_id),
                                 self.futures.get(solve_id), timeout)

    async def _wait_for_row(
        self, read: Callable[[], Any], future: Future[str] | None, timeout: float
    ) -> None:
        """Until the run's row (`read`) has ended or `timeout` passes: this process's own
        run wakes it as soon as its future ends; a run another server process started is
        polled in the store."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            row = await asyncio.to_thread(read)
            if row.status not in UNFINISHED:
                return
            if future is None:
                await asyncio.sleep(min(POLL_SECONDS, left))
                continue
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), left)
            if future.done():
                return

    async def call(self, function: Any, *args: Any) -> Any:
        """Run `function(*args)` in the pool (publishing: PDF rendering is heavy)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), function, *args)

    def shutdown(self) -> None:
        """Stop the pool and the processes in it, a solve running or not (the server is
        stopping: a solve left running would hold its memory and CPU with nobody to serve
        its result). The runs not finished are marked failed first, saying why: the pool's
        own callbacks may not run before the process exits."""
        if self._pool is None:
            return
        for solve_id, future in self.futures.items():
            if not future.done():
                self.store.fail_unfinished(solve_id, STOPPED)
        for run_id, future in self.publishes.items():
            if not future.done():
                self.store.fail_unfinished_publish(run_id, STOPPED)
        pool, self._pool = self._pool, None
        processes = list(getattr(pool, "_processes", {}).values())  # no public accessor
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()


def run_publish(job: PublishJob) -> str:
    """In a worker process: publish, record the version, say how it goes in the run's
    progress (the producer page shows it while it runs)."""
    store = Store(job.db_url)
    try:
        say = lambda line: store.add_publish_progress(job.run_id, line)  # noqa: E731
        store.add_publish_progress(job.run_id, "publishing", running=True)
        try:
            result = publish_job(job.directory, job.schedule_json, job.base_url, say)
        except PublishError as error:
            say(f"failed: {error}")
            store.finish_publish(job.run_id, None, str(error))
            return "failed"
        except Exception as error:  # a bug must still end the run, with its trace
            say("failed: internal error")
            detail = f"internal error: {error!r}\n{traceback.format_exc(limit=8)}"
            store.finish_publish(job.run_id, None, detail)
            return "failed"
        version = store.add_version(result["version"], job.solve_id, result["new"],
                                    result["changed"], result["cancelled"], result["warnings"])
        say(f"published version {result['version']}")
        store.finish_publish(job.run_id, version.id, None)
        return "done"
    finally:
        store.dispose()


def publish_job(
    directory: str, schedule_json: str | None, base_url: str | None, say: Any = None
) -> dict[str, Any]:
    """In a worker process: publish the chosen schedule (or DIR's own); the chosen one
    replaces DIR/schedule.json only once its version is served."""
    from affiche.programmes.publish import publish_directory
    from affiche.programmes.schedule import Schedule

    chosen = None if schedule_json is None else Schedule.model_validate_json(schedule_json)
    if say is None:
        result = publish_directory(Path(directory), base_url=base_url, schedule=chosen)
    else:
        result = publish_directory(Path(directory), base_url=base_url, schedule=chosen,
                                   progress=say)
    return {
        "version": result.version,
        "new": result.new,
        "changed": result.changed,
        "cancelled": result.cancelled,
        "warnings": list(result.warnings),
    }
