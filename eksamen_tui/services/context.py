"""The service context: database engine, the clerk at the counter, the
institution's rules and the clock. Every service function takes one."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable, Iterator

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from eksamen_tui.db.engine import make_engine, read_engine, resolve_db_target, sqlite_path, transaction
from eksamen_tui.db.migrations import upgrade
from eksamen_tui.db.models import Setting
from eksamen_tui.db.target import default_clerk
from eksamen_tui.domain.deadlines import Rules
from eksamen_tui.domain.profiles import DEFAULT_PROFILE, Profile, get_profile
from eksamen_tui.services import concurrency  # noqa: F401  (guard-index errors become refusals on every engine)

if TYPE_CHECKING:
    from eksamen_tui.db.checkpoints import WalCheckpointer

PROFILE_KEY = "profile"
OVERRIDES_KEY = "profile_overrides"


@dataclass
class Context:
    engine: Engine
    clerk: str
    rules: Rules
    today: Callable[[], date] = date.today
    clock: Callable[[], datetime] = field(default=datetime.now)  # the time of day (tests fix it)
    # the app's WAL checkpoints, off the keys' thread (open_context's background_checkpoints)
    checkpointer: "WalCheckpointer | None" = None

    def now(self) -> datetime:
        """The moment every stamp takes (receipts, audit rows, attendance
        changes, cases, grades): the date from `today`, so `--today` holds
        everywhere, and the time of day from `clock`, to the second."""
        return datetime.combine(self.today(), self.clock().time().replace(microsecond=0))

    @property
    def profile(self) -> Profile:
        return self.rules.profile

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One short write transaction (commit or roll back as a whole)."""
        with transaction(self.engine) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session: on SQLite it never waits for a writer."""
        with Session(read_engine(self.engine), expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        """Stop the checkpoints (if any) and close the pooled connections."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


def load_rules(session: Session) -> Rules:
    values = {s.key: s.value for s in session.exec(select(Setting)).all()}
    name = json.loads(values[PROFILE_KEY]) if PROFILE_KEY in values else DEFAULT_PROFILE
    overrides = json.loads(values[OVERRIDES_KEY]) if OVERRIDES_KEY in values else {}
    return Rules.for_profile(get_profile(name, overrides))


def open_context(
    db: str | None = None,
    *,
    clerk: str | None = None,
    today: Callable[[], date] | None = None,
    background_checkpoints: bool = False,
) -> Context:
    """Open (and migrate) the database and build the service context.
    `background_checkpoints` (the app's counters): on SQLite, a thread
    checkpoints the WAL, so that no commit (a key's) does it itself; see
    eksamen_tui.db.checkpoints. Context.close() stops it."""
    engine = make_engine(resolve_db_target(db), background_checkpoints=background_checkpoints)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    with Session(read_engine(engine)) as session:
        rules = load_rules(session)
    ctx = Context(engine=engine, clerk=clerk or default_clerk(), rules=rules)
    if today is not None:
        ctx.today = today
    path = sqlite_path(engine)
    if background_checkpoints and path is not None:
        from eksamen_tui.db.checkpoints import WalCheckpointer

        ctx.checkpointer = WalCheckpointer(path).start()
    return ctx


def open_current_context(
    db: str | None = None,
    *,
    clerk: str | None = None,
    today: Callable[[], date] | None = None,
) -> Context:
    """The context on a database that is already at the newest schema, for
    reading only: nothing is created or migrated (the app does that). Raises
    DatabaseRefused for a missing or empty file, a schema not at the newest
    revision, or what is not an eksamen-tui database."""
    from pathlib import Path

    from eksamen_tui.db.engine import is_url
    from eksamen_tui.db.errors import DatabaseRefused
    from eksamen_tui.db.migrations import HEAD, classify

    target = resolve_db_target(db)
    if not is_url(target) and not Path(target).expanduser().is_file():
        raise DatabaseRefused(f"{target} finnes ikke ennå")
    engine = make_engine(target)
    try:
        with read_engine(engine).connect() as conn:
            kind, revision = classify(conn)
        if (kind, revision) != ("ours", HEAD):
            raise DatabaseRefused(f"{target} er ikke på nyeste skjema ({kind}, {revision})")
        with Session(read_engine(engine)) as session:
            rules = load_rules(session)
    except BaseException:
        engine.dispose()
        raise
    ctx = Context(engine=engine, clerk=clerk or default_clerk(), rules=rules)
    if today is not None:
        ctx.today = today
    return ctx


ENV_EXPORT_DIR = "EKSAMEN_EXPORT_DIR"


def export_dir() -> "os.PathLike":
    """Where the app writes exports (slips, protocols, forms): $EKSAMEN_EXPORT_DIR
    or a folder under the user's documents. Created on first use, private (0700)."""
    from pathlib import Path

    from platformdirs import user_documents_path

    from eksamen_tui.export_files import private_folder

    return private_folder(Path(os.environ.get(ENV_EXPORT_DIR) or user_documents_path() / "eksamen-tui"))
