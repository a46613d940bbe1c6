import pytest

from tests import backend
from tests.factories import TODAY, copy_demo_database, make_context


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite files (runs on SQLite only)")
    config.addinivalue_line("markers", "postgres_only: the test needs a PostgreSQL server (EKSAMEN_TEST_DB)")
    config.addinivalue_line("markers", "slow(why): a test of several seconds (why: what takes the time); "
                            "slow tests start first, so none ends up alone at the tail of a parallel run")


def pytest_report_header(config):
    where = backend.TEST_DB.split("@")[-1] if backend.ON_POSTGRES else "a file per test"
    return f"eksamen-tui test database: {backend.BACKEND} ({where})"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=f"not for {backend.BACKEND} (marker)")
    unwanted = "sqlite_only" if backend.ON_POSTGRES else "postgres_only"
    for item in items:
        if unwanted in item.keywords:
            item.add_marker(skip)
    # slow tests first (stable: every xdist worker must collect the same order);
    # with --dist loadgroup (dev.py test) each test is handed to the next free
    # worker, so the long ones run beside the many short ones
    items.sort(key=lambda item: "slow" not in item.keywords or unwanted in item.keywords)


@pytest.fixture
def ctx(tmp_path):
    """A service context on a fresh temporary database, 'today' = 2026-11-23."""
    return make_context(tmp_path)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch, _test_database):
    """Point every data path at tmp_path through the same overrides users have."""
    monkeypatch.setenv("EKSAMEN_DB", backend.env_target(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("EKSAMEN_KEYMAP", raising=False)
    monkeypatch.setenv("EKSAMEN_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("EKSAMEN_LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture(scope="session")
def _postgres_session():
    """On PostgreSQL: this process's schema is dropped when the run ends."""
    yield
    if backend.ON_POSTGRES:
        from eksamen_tui.db.engine import dispose_all

        dispose_all()
        backend.drop_worker_schema()


@pytest.fixture(autouse=True)
def _test_database(_postgres_session):
    """Each test starts on an empty database and leaves no connection open:
    SQLite files live in tmp_path; on PostgreSQL the worker schema is
    emptied before the test and the test's other schemas dropped after it."""
    if backend.ON_POSTGRES:
        backend.empty_worker_schema()
    yield
    from eksamen_tui.db.engine import dispose_all

    dispose_all()
    if backend.ON_POSTGRES:
        backend.drop_test_schemas()


@pytest.fixture
def demo_db(tmp_path):
    """A fresh demo database (SQLite file, today = 2026-11-23) for this test:
    a copy of the one built once per test process (see factories)."""
    return copy_demo_database(tmp_path / "demo.db")
