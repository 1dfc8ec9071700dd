"""The producer's store: specs, pins, solve runs and their progress, published versions.

Embedded SQLite by default (`DIR/affiche.db`); any SQLAlchemy URL (PostgreSQL) through
`--db` / `AFFICHE_DB`. The schema evolves by an ordered list of migration functions; the
`schema_version` table records how many have run. A migration is frozen once released:
change the schema by appending a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, overload

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from affiche.web.errors import NotFoundInStore, OutOfRange

MAX_INT = 2**31 - 1  # INTEGER on PostgreSQL (and what the ids of every table fit in)


def utcnow() -> datetime:
    return datetime.now(UTC)


def fitting(what: str, value: str, length: int) -> str:
    """`value` when its column can hold it, else a 422 saying which and how long."""
    if len(value) > length:
        raise OutOfRange(f"{what} is {len(value)} characters long; at most {length}")
    return value


def known_id(what: str, value: int) -> int:
    """An id the tables can hold; others name nothing (404), on every database alike."""
    if not 1 <= value <= MAX_INT:
        raise NotFoundInStore(f"no {what} {value}")
    return value


def default_db_url(directory: Path) -> str:
    return f"sqlite:///{Path(directory).resolve() / 'affiche.db'}"


# ---- migrations ---------------------------------------------------------------------------


def _m001_initial(conn: Connection) -> None:
    """Specs, pins, solve runs with progress lines, published versions."""
    meta = sa.MetaData()
    stamp = sa.DateTime(timezone=True)
    sa.Table(
        "specs",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("festivals", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created", stamp, nullable=False),
        sa.Column("updated", stamp, nullable=False),
    )
    sa.Table(
        "pins",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(300), nullable=False, unique=True),
        sa.Column("festival", sa.String(120), nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("occurrence", sa.Integer, nullable=False),
        sa.Column("venue", sa.String(120)),
        sa.Column("start", sa.String(40)),
        sa.Column("created", stamp, nullable=False),
    )
    sa.Table(
        "solve_runs",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("specs", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False, server_default="{}"),
        sa.Column("summary", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("schedule_json", sa.Text),
        sa.Column("created", stamp, nullable=False),
        sa.Column("started", stamp),
        sa.Column("finished", stamp),
    )
    sa.Table(
        "solve_progress",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "solve_id",
            sa.Integer,
            sa.ForeignKey("solve_runs.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("at", stamp, nullable=False),
        sa.Column("line", sa.Text, nullable=False),
    )
    sa.Table(
        "published_versions",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("solve_id", sa.Integer, sa.ForeignKey("solve_runs.id", ondelete="SET NULL")),
        sa.Column("published", stamp, nullable=False),
        sa.Column("new", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cancelled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("warnings", sa.Text, nullable=False, server_default="[]"),
    )
    meta.create_all(conn)


def _m002_sessions(conn: Connection) -> None:
    """Producer login sessions (random ids, kept as hashes) and failed login attempts."""
    meta = sa.MetaData()
    stamp = sa.DateTime(timezone=True)
    sa.Table(
        "producer_sessions",
        meta,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created", stamp, nullable=False),
        sa.Column("expires", stamp, nullable=False, index=True),
    )
    sa.Table(
        "login_failures",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(64), nullable=False, index=True),
        sa.Column("at", stamp, nullable=False),
    )
    meta.create_all(conn)


def _m003_publish_runs(conn: Connection) -> None:
    """Publishes run in the background: their state, progress lines and the version made."""
    meta = sa.MetaData()
    stamp = sa.DateTime(timezone=True)
    sa.Table("solve_runs", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("published_versions", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "publish_runs",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("solve_id", sa.Integer, sa.ForeignKey("solve_runs.id", ondelete="SET NULL")),
        sa.Column("base_url", sa.Text),
        sa.Column("progress", sa.Text, nullable=False, server_default="[]"),
        sa.Column("error", sa.Text),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("published_versions.id", ondelete="SET NULL")
        ),
        sa.Column("created", stamp, nullable=False),
        sa.Column("started", stamp),
        sa.Column("finished", stamp),
    )
    meta.tables["publish_runs"].create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [
    _m001_initial, _m002_sessions, _m003_publish_runs,
]


def _version_table() -> sa.Table:
    return sa.Table(
        "schema_version", sa.MetaData(), sa.Column("version", sa.Integer, nullable=False)
    )


def schema_version(engine: Engine) -> int:
    if not sa.inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        return conn.execute(sa.select(_version_table().c.version)).scalar() or 0


def migrate(engine: Engine) -> int:
    """Run the migrations not yet applied, each in its own transaction; the new version."""
    table = _version_table()
    with engine.begin() as conn:
        table.create(conn, checkfirst=True)
        if conn.execute(sa.select(table.c.version)).first() is None:
            conn.execute(table.insert().values(version=0))
    for number, step in enumerate(MIGRATIONS, start=1):
        with engine.begin() as conn:
            current = conn.execute(sa.select(table.c.version)).scalar_one()
            if current >= number:
                continue
            step(conn)
            conn.execute(table.update().values(version=number))
    return len(MIGRATIONS)


# ---- mapped classes -------------------------------------------------------------------------


class Base(DeclarativeBase):
    type_annotation_map = {datetime: sa.DateTime(timezone=True)}


class SpecRow(Base):
    __tablename__ = "specs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    format: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text)
    festivals: Mapped[str] = mapped_column(sa.Text, default="[]")
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def festival_ids(self) -> list[str]:
        return json.loads(self.festivals)


class PinRow(Base):
    __tablename__ = "pins"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(300), unique=True)
    festival: Mapped[str] = mapped_column(sa.String(120))
    item: Mapped[str] = mapped_column(sa.String(120))
    occurrence: Mapped[int]
    venue: Mapped[str | None] = mapped_column(sa.String(120))
    start: Mapped[str | None] = mapped_column(sa.String(40))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class SolveRow(Base):
    __tablename__ = "solve_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    specs: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[str] = mapped_column(sa.Text, default="{}")
    summary: Mapped[str | None] = mapped_column(sa.Text)
    error: Mapped[str | None] = mapped_column(sa.Text)
    schedule_json: Mapped[str | None] = mapped_column(sa.Text)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    started: Mapped[datetime | None]
    finished: Mapped[datetime | None]


class ProgressRow(Base):
    __tablename__ = "solve_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    solve_id: Mapped[int] = mapped_column(sa.ForeignKey("solve_runs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    line: Mapped[str] = mapped_column(sa.Text)


class VersionRow(Base):
    __tablename__ = "published_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    solve_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("solve_runs.id", ondelete="SET NULL")
    )
    published: Mapped[datetime] = mapped_column(default=utcnow)
    new: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[str] = mapped_column(sa.Text, default="[]")


class PublishRunRow(Base):
    __tablename__ = "publish_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    solve_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("solve_runs.id", ondelete="SET NULL")
    )
    base_url: Mapped[str | None] = mapped_column(sa.Text)
    progress: Mapped[str] = mapped_column(sa.Text, default="[]")
    error: Mapped[str | None] = mapped_column(sa.Text)
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("published_versions.id", ondelete="SET NULL")
    )
    created: Mapped[datetime] = mapped_column(default=utcnow)
    started: Mapped[datetime | None]
    finished: Mapped[datetime | None]

    @property
    def lines(self) -> list[str]:
        return json.loads(self.progress)


class SessionRow(Base):
    __tablename__ = "producer_sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # sha256 of the cookie
    csrf: Mapped[str] = mapped_column(sa.String(64))
    created: Mapped[datetime] = mapped_column(default=utcnow)
    expires: Mapped[datetime]


class LoginFailureRow(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- the store --------------------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # the driver's own BEGIN off: see _begin
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            """Every transaction takes the write lock at its start, waiting for it (busy
            timeout): a read-then-write transaction started as a reader cannot upgrade once
            another writer committed, and SQLite answers "database is locked" at once,
            without waiting. The transactions are short; the public pages never use them."""
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
@overload
def aware(moment: datetime | None) -> datetime | None: ...
def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _rowcount(result: sa.Result[Any]) -> int:
    """Rows a DELETE or UPDATE touched: those give a CursorResult back, typed as a Result."""
    assert isinstance(result, sa.CursorResult)
    return result.rowcount


UNFINISHED = ("queued", "running")
# Long past a run's time limit (the solve's own checks, rendering and storing take seconds
# to a minute or two on 4,000 items), a run still unfinished has lost its worker.
ABANDONED_AFTER = timedelta(minutes=15)
ABANDONED = ("interrupted: the server stopped before this run finished (it was stopped or "
             "restarted); start it again")


def _solve_deadline(row: SolveRow) -> datetime:
    """When a queued or running solve is abandoned: its time limit, then ABANDONED_AFTER."""
    try:
        limit = float(json.loads(row.options or "{}").get("time_limit") or 0)
    except (ValueError, TypeError, AttributeError):
        limit = 0.0
    return aware(row.started or row.created) + timedelta(seconds=limit) + ABANDONED_AFTER


class Store:
    """Short transactions over one engine; rows come back detached (expire_on_commit off)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> int:
        return migrate(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def _upsert(self, write: Callable[[Session], Any]) -> Any:
        """`write` (read the row, then insert or update it) in its own transaction, again
        when a concurrent writer inserted the same key first: the second attempt finds the
        row and updates it. (SQLite serialises writers already; PostgreSQL's unique index
        is what two racing inserts meet.)"""
        for attempt in range(3):
            try:
                with self.session() as s:
                    return write(s)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # specs
    def put_spec(
        self, name: str, fmt: str, content: str, festivals: list[str]
    ) -> tuple[SpecRow, bool]:
        """Create or replace the spec `name`; whether it was new."""
        fitting("the spec name", name, 80)
        fitting("the format", fmt, 16)

        def write(s: Session) -> tuple[SpecRow, bool]:
            row = s.scalar(sa.select(SpecRow).where(SpecRow.name == name))
            created = row is None
            if row is None:
                row = SpecRow(name=name, created=utcnow())
                s.add(row)
            row.format, row.content = fmt, content
            row.festivals, row.updated = json.dumps(festivals), utcnow()
            s.flush()
            return row, created

        return self._upsert(write)

    def specs(self) -> list[SpecRow]:
        with self.session() as s:
            return list(s.scalars(sa.select(SpecRow).order_by(SpecRow.name)))

    def spec(self, name: str) -> SpecRow:
        if len(name) > 80:
            raise NotFoundInStore(f"no spec {name[:80]!r}...")
        with self.session() as s:
            row = s.scalar(sa.select(SpecRow).where(SpecRow.name == name))
            if row is None:
                raise NotFoundInStore(f"no spec {name!r}")
            return row

    def delete_spec(self, name: str) -> None:
        if len(name) > 80:
            raise NotFoundInStore(f"no spec {name[:80]!r}...")
        with self.session() as s:
            if _rowcount(s.execute(sa.delete(SpecRow).where(SpecRow.name == name))) == 0:
                raise NotFoundInStore(f"no spec {name!r}")

    # pins
    def put_pin(
        self,
        uid: str,
        festival: str,
        item: str,
        occurrence: int,
        venue: str | None,
        start: str | None,
    ) -> PinRow:
        fitting("the occurrence uid", uid, 300)
        fitting("the festival id", festival, 120)
        fitting("the item id", item, 120)
        fitting("the venue id", venue or "", 120)
        fitting("the start", start or "", 40)
        if not 0 <= occurrence <= MAX_INT:
            raise OutOfRange(f"occurrence number {occurrence} is out of range")

        def write(s: Session) -> PinRow:
            row = s.scalar(sa.select(PinRow).where(PinRow.uid == uid))
            if row is None:
                row = PinRow(uid=uid, created=utcnow())
                s.add(row)
            row.festival, row.item, row.occurrence = festival, item, occurrence
            row.venue, row.start = venue, start
            s.flush()
            return row

        return self._upsert(write)

    def pins(self) -> list[PinRow]:
        with self.session() as s:
            return list(s.scalars(sa.select(PinRow).order_by(PinRow.uid)))

    def delete_pin(self, uid: str) -> None:
        if len(uid) > 300:
            raise NotFoundInStore(f"no pin {uid[:80]!r}...")
        with self.session() as s:
            if _rowcount(s.execute(sa.delete(PinRow).where(PinRow.uid == uid))) == 0:
                raise NotFoundInStore(f"no pin {uid!r}")

    # solve runs
    def new_solve(self, specs: list[str], options: dict[str, Any]) -> SolveRow:
        with self.session() as s:
            row = SolveRow(
                status="queued",
                specs=json.dumps(specs),
                options=json.dumps(options),
                created=utcnow(),
            )
            s.add(row)
            s.flush()
            return row

    def solve(self, solve_id: int) -> SolveRow:
        known_id("solve", solve_id)
        with self.session() as s:
            row = s.get(SolveRow, solve_id)
            if row is None:
                raise NotFoundInStore(f"no solve {solve_id}")
            return row

    def solves(self, limit: int = 20) -> list[SolveRow]:
        """The latest runs, the abandoned ones marked failed first (`fail_abandoned`)."""
        self.fail_abandoned()
        with self.session() as s:
            query = sa.select(SolveRow).order_by(SolveRow.id.desc()).limit(limit)
            return list(s.scalars(query))

    def latest_done_solve(self) -> SolveRow | None:
        with self.session() as s:
            query = sa.select(SolveRow).where(SolveRow.status == "done")
            return s.scalar(query.order_by(SolveRow.id.desc()).limit(1))

    def mark_running(self, solve_id: int) -> None:
        with self.session() as s:
            s.execute(
                sa.update(SolveRow)
                .where(SolveRow.id == solve_id)
                .values(status="running", started=utcnow())
            )

    def add_progress(self, solve_id: int, line: str) -> None:
        with self.session() as s:
            s.add(ProgressRow(solve_id=solve_id, line=line, at=utcnow()))

    def progress(self, solve_id: int) -> list[str]:
        with self.session() as s:
            query = sa.select(ProgressRow.line).where(ProgressRow.solve_id == solve_id)
            return list(s.scalars(query.order_by(ProgressRow.id)))

    def finish_solve(
        self,
        solve_id: int,
        *,
        summary: dict[str, Any] | None,
        schedule_json: str | None,
        error: str | None,
    ) -> None:
        status = "failed" if error else "done"
        with self.session() as s:
            s.execute(
                sa.update(SolveRow)
                .where(SolveRow.id == solve_id)
                .values(
                    status=status,
                    finished=utcnow(),
                    error=error,
                    schedule_json=schedule_json,
                    summary=json.dumps(summary) if summary is not None else None,
                )
            )

    def fail_unfinished(self, solve_id: int, error: str) -> None:
        """Mark a run failed unless it already finished (a crashed worker)."""
        with self.session() as s:
            s.execute(
                sa.update(SolveRow)
                .where(SolveRow.id == solve_id, SolveRow.status.in_(UNFINISHED))
                .values(status="failed", error=error, finished=utcnow())
            )

    def fail_abandoned(self, now: datetime | None = None) -> int:
        """Mark failed the solve and publish runs whose worker is gone, and say how many:
        a server stopped or killed mid-run (SIGKILL runs no callback) leaves them queued or
        running for ever. Time says so, not process ids: the runs may belong to another
        server process, or another machine on the same database. A run is abandoned
        ABANDONED_AFTER past its time limit (a publish, which has none, past its start)."""
        now = now or utcnow()
        with self.session() as s:
            solves = s.scalars(sa.select(SolveRow).where(SolveRow.status.in_(UNFINISHED)))
            solve_ids = [row.id for row in solves if now > _solve_deadline(row)]
            publishes = s.scalars(
                sa.select(PublishRunRow).where(PublishRunRow.status.in_(UNFINISHED)))
            publish_ids = [row.id for row in publishes
                           if now > aware(row.started or row.created) + ABANDONED_AFTER]
            for table, ids in ((SolveRow, solve_ids), (PublishRunRow, publish_ids)):
                if ids:
                    s.execute(sa.update(table)
                              .where(table.id.in_(ids), table.status.in_(UNFINISHED))
                              .values(status="failed", error=ABANDONED, finished=now))
            return len(solve_ids) + len(publish_ids)

    # versions
    def add_version(
        self,
        version: int,
        solve_id: int | None,
        new: int,
        changed: int,
        cancelled: int,
        warnings: list[str],
    ) -> VersionRow:
        with self.session() as s:
            row = VersionRow(
                version=version,
                solve_id=solve_id,
                published=utcnow(),
                new=new,
                changed=changed,
                cancelled=cancelled,
                warnings=json.dumps(warnings),
            )
            s.add(row)
            s.flush()
            return row

    # producer sessions and failed logins
    def add_session(self, key: str, csrf: str, expires: datetime) -> None:
        with self.session() as s:
            s.execute(sa.delete(SessionRow).where(SessionRow.expires < utcnow()))
            s.add(SessionRow(id=key, csrf=csrf, created=utcnow(), expires=expires))

    def live_session(self, key: str) -> SessionRow | None:
        with self.session() as s:
            row = s.get(SessionRow, key)
            return row if row is not None and aware(row.expires) > utcnow() else None

    def drop_session(self, key: str) -> None:
        with self.session() as s:
            s.execute(sa.delete(SessionRow).where(SessionRow.id == key))

    def add_login_failure(self, client: str) -> None:
        with self.session() as s:
            s.add(LoginFailureRow(client=client, at=utcnow()))

    def login_failures(self, client: str, since: datetime) -> int:
        with self.session() as s:
            s.execute(sa.delete(LoginFailureRow).where(LoginFailureRow.at < since))
            query = sa.select(sa.func.count()).select_from(LoginFailureRow).where(
                LoginFailureRow.client == client, LoginFailureRow.at >= since
            )
            return int(s.execute(query).scalar_one())

    def clear_login_failures(self, client: str) -> None:
        with self.session() as s:
            s.execute(sa.delete(LoginFailureRow).where(LoginFailureRow.client == client))

    # background publishes
    def new_publish(self, solve_id: int | None, base_url: str | None) -> PublishRunRow:
        with self.session() as s:
            row = PublishRunRow(status="queued", solve_id=solve_id, base_url=base_url,
                                progress=json.dumps(["queued"]), created=utcnow())
            s.add(row)
            s.flush()
            return row

    def publish_run(self, run_id: int) -> PublishRunRow:
        known_id("publish", run_id)
        with self.session() as s:
            row = s.get(PublishRunRow, run_id)
            if row is None:
                raise NotFoundInStore(f"no publish {run_id}")
            return row

    def publish_runs(self, limit: int = 20) -> list[PublishRunRow]:
        """The latest publishes, the abandoned ones marked failed first."""
        self.fail_abandoned()
        with self.session() as s:
            query = sa.select(PublishRunRow).order_by(PublishRunRow.id.desc()).limit(limit)
            return list(s.scalars(query))

    def add_publish_progress(self, run_id: int, line: str, *, running: bool = False) -> None:
        """One more progress line (the worker is the run's only writer while it runs)."""
        with self.session() as s:
            row = s.get(PublishRunRow, run_id)
            if row is None:
                return
            row.progress = json.dumps([*row.lines, line])
            if running and row.status == "queued":
                row.status, row.started = "running", utcnow()

    def finish_publish(self, run_id: int, version_id: int | None, error: str | None) -> None:
        with self.session() as s:
            s.execute(
                sa.update(PublishRunRow)
                .where(PublishRunRow.id == run_id)
                .values(status="failed" if error else "done", version_id=version_id,
                        error=error, finished=utcnow())
            )

    def fail_unfinished_publish(self, run_id: int, error: str) -> None:
        with self.session() as s:
            s.execute(
                sa.update(PublishRunRow)
                .where(PublishRunRow.id == run_id,
                       PublishRunRow.status.in_(UNFINISHED))
                .values(status="failed", error=error, finished=utcnow())
            )

    def version_row(self, version_id: int) -> VersionRow:
        with self.session() as s:
            row = s.get(VersionRow, version_id)
            if row is None:
                raise NotFoundInStore(f"no version record {version_id}")
            return row

    def versions(self) -> list[VersionRow]:
        with self.session() as s:
            return list(s.scalars(sa.select(VersionRow).order_by(VersionRow.id.desc())))
