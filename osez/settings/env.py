"""Reads and checks the environment before Django starts.

A wrong ``DATABASE_URL`` or ``REDIS_URL`` must stop start-up with one line naming the variable and
what was expected, not with a traceback deep inside a database driver; ``SystemExit`` with a message
prints exactly that line and exits with status 1.
"""

import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional and never required (see .env.sample).
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(str(BASE_DIR / ".env"), overwrite=False)

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
REDIS_SCHEMES = {"redis", "rediss"}


class ConfigurationError(SystemExit):
    """A configuration value is wrong: carries the one line that says which and what was expected."""

    def __init__(self, variable, expected, got):
        super().__init__(f"Configuration error: {variable}={got!r} is invalid; expected {expected}.")


def database_config(default="sqlite:///db.sqlite3"):
    raw = env.str("DATABASE_URL", default=default).strip()
    expected = "a URL like sqlite:///db.sqlite3 or postgres://user:password@host:5432/name"
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError on a non-numeric port
    except ValueError:
        raise ConfigurationError("DATABASE_URL", expected, raw) from None
    if parts.scheme not in DATABASE_SCHEMES:
        raise ConfigurationError("DATABASE_URL", expected, raw)
    if parts.scheme != "sqlite" and not parts.path.strip("/"):
        raise ConfigurationError("DATABASE_URL", expected + " (the database name is missing)", raw)
    if parts.scheme == "sqlite" and not parts.path.strip("/") and raw != "sqlite://:memory:":
        raise ConfigurationError("DATABASE_URL", expected + " (the file name is missing)", raw)
    del port
    config = environ.Env.db_url_config(raw)
    if (
        config["ENGINE"].endswith("sqlite3")
        and config["NAME"] not in (":memory:", "")
        and not Path(config["NAME"]).is_absolute()
    ):
        config["NAME"] = str(BASE_DIR / config["NAME"])
    return config


def redis_url(variable="REDIS_URL"):
    raw = env.str(variable, default="").strip()
    if not raw:
        return ""
    expected = "a URL like redis://127.0.0.1:6379/0, or nothing to run tasks in-process"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ConfigurationError(variable, expected, raw) from None
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise ConfigurationError(variable, expected, raw)
    return raw


def departement_codes():
    """The codes of the 101 départements: 01 to 95 (Corsica is 2A and 2B, not 20) and 971 to 976 (no 975).

    Settings are read before any app loads, so the code list is derived from this rule rather than
    imported from the registry (``communes.departements``, which has the names); a test keeps both equal.
    """
    mainland = [f"{number:02d}" for number in range(1, 96) if number != 20]
    return sorted([*mainland, "2A", "2B", "971", "972", "973", "974", "976"])


def departements():
    """Codes from ``OSEZ_DEPARTEMENTS``: a comma-separated list, or ``all``."""
    known = departement_codes()
    raw = env.str("OSEZ_DEPARTEMENTS", default="10").strip()
    if raw.lower() in ("all", "tous", "*"):
        return known
    codes, unknown = [], []
    for item in raw.split(","):
        code = item.strip().upper()
        if not code:
            continue
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        (codes if code in known else unknown).append(code)
    if unknown:
        raise ConfigurationError(
            "OSEZ_DEPARTEMENTS",
            f"comma-separated codes of existing départements (01…95, 2A, 2B, 971…976) or 'all'; "
            f"no département has the code {', '.join(unknown)}",
            raw,
        )
    if not codes:
        raise ConfigurationError("OSEZ_DEPARTEMENTS", "at least one département code, or 'all'", raw)
    return sorted(set(codes))


def fail(message):
    print(message, file=sys.stderr)
    raise SystemExit(1)


def shares(variable, default, per_source=None):
    """A share (0 to 1) from the environment, and per-source shares ``slug=share,slug=share``.

    ``per_source`` holds the project's own per-source defaults; the environment's pairs override them.
    """
    expected = "a share between 0 and 1, like 0.05"
    raw = env.str(variable, default=str(default)).strip()
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(variable, expected, raw) from None
    if not 0 <= value <= 1:
        raise ConfigurationError(variable, expected, raw)
    per_source = dict(per_source or {})
    per_raw = env.str(f"{variable}_PER_SOURCE", default="").strip()
    for item in filter(None, (i.strip() for i in per_raw.split(","))):
        slug, _sep, share = item.partition("=")
        try:
            per_source[slug.strip()] = float(share)
        except ValueError:
            raise ConfigurationError(
                f"{variable}_PER_SOURCE", "slug=share pairs, like bpe=0.02,sport=0.1", per_raw
            ) from None
        if not slug.strip() or not 0 <= per_source[slug.strip()] <= 1:
            raise ConfigurationError(
                f"{variable}_PER_SOURCE", "slug=share pairs, like bpe=0.02,sport=0.1", per_raw
            )
    return value, per_source
