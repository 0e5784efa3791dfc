"""The production stack of the HTTP benchmark (scripts/bench_http.py): a throwaway PostgreSQL database and a Redis
database of its own, both empty at the start and gone or emptied at the end.

BENCH_DATABASE_URL names the database to create (default postgres://postgres@127.0.0.1:5432/portal_bench_<pid>): it must
not exist yet (a database the benchmark did not create is never dropped), and it is dropped afterwards.
BENCH_REDIS_URL names the Redis database (default redis://127.0.0.1:6379/10), flushed before and after: give it one
that nothing else uses. When either server does not answer, `Unavailable` says which and why.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_{pid}"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
CONNECT_SECONDS = 3


class Unavailable(Exception):
    """PostgreSQL or Redis cannot be used; the message says which and why (one line)."""


def _server(database_url: str) -> tuple[dict, str]:
    """psycopg's connection parameters for the server's maintenance database, and the database to create."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise Unavailable(f"BENCH_DATABASE_URL is not a PostgreSQL URL: {config['ENGINE']}")
    parameters = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": CONNECT_SECONDS,
        "autocommit": True,
    }
    return {key: value for key, value in parameters.items() if value is not None}, config["NAME"]


def _where(parameters: dict) -> str:
    return f"{parameters.get('host', 'localhost')}:{parameters.get('port', 5432)}"


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def create_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parameters, name = _server(database_url)
    try:
        with psycopg.connect(**parameters) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.errors.DuplicateDatabase:
        raise Unavailable(f"the PostgreSQL database {name} already exists (the benchmark drops only its own)") from None
    except psycopg.Error as error:
        raise Unavailable(f"PostgreSQL at {_where(parameters)} not usable: {_first_line(error)}") from None


def drop_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parameters, name = _server(database_url)
    with psycopg.connect(**parameters) as connection:
        # FORCE: a connection left behind (a killed gunicorn worker's) must not keep the throwaway database alive.
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def redis_database(redis_url: str):
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=CONNECT_SECONDS, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as error:
        raise Unavailable(f"Redis at {redis_url} not usable: {_first_line(error)}") from None
    return client


@contextmanager
def throwaway_stack() -> Iterator[tuple[str, str]]:
    """(database URL, Redis URL) of a new empty database and an emptied Redis database; cleaned up afterwards."""
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL.format(pid=os.getpid())
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    redis = redis_database(redis_url)
    create_database(database_url)
    try:
        redis.flushdb()
        yield database_url, redis_url
    finally:
        redis.flushdb()
        drop_database(database_url)
