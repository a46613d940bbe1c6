import pytest

from tests.factories import TODAY, make_context


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite files (runs on SQLite only)")
    config.addinivalue_line("markers", "postgres_only: the test needs a PostgreSQL server")


@pytest.fixture
def ctx(tmp_path):
    """A service context on a fresh temporary database, 'today' = 2026-11-23."""
    return make_context(tmp_path)


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Point every data path at tmp_path through the same overrides users have."""
    monkeypatch.setenv("EKSAMEN_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("EKSAMEN_KEYMAP", raising=False)
    monkeypatch.setenv("EKSAMEN_EXPORT_DIR", str(tmp_path / "exports"))


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close the pooled connections of every engine a test opened."""
    yield
    from eksamen_tui.db.engine import dispose_all

    dispose_all()
