"""Team mode's pause between requests to a host, kept in the database so every worker of a crawl keeps
it (engine/team/shared_pacer.py). PostgreSQL only: team mode's store.

Each request takes the host's next free moment and moves it on by the delay in one statement
(``INSERT … ON CONFLICT DO UPDATE``: the row is locked for its length), so two workers never take the
same moment; times are the database's clock, not the workers'.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

_TAKE_TURN = text(
    """
    INSERT INTO team_host_turns AS turn (job_id, origin, next_at)
    VALUES (:job_id, :origin, extract(epoch FROM clock_timestamp()) + :delay)
    ON CONFLICT (job_id, origin) DO UPDATE
       SET next_at = greatest(turn.next_at, extract(epoch FROM clock_timestamp())) + :delay
    RETURNING next_at - :delay AS slot, extract(epoch FROM clock_timestamp()) AS now
    """
)

_HOLD = text(
    """
    INSERT INTO team_host_turns AS turn (job_id, origin, next_at)
    VALUES (:job_id, :origin, extract(epoch FROM clock_timestamp()) + :seconds)
    ON CONFLICT (job_id, origin) DO UPDATE
       SET next_at = greatest(turn.next_at, extract(epoch FROM clock_timestamp()) + :seconds)
    """
)


def take_turn(conn: Connection, job_id: str, origin: str, delay_s: float) -> tuple[float, float]:
    """Reserve the next request to ``origin`` for ``job_id``: (its moment, the database's now), in
    seconds since the epoch; the caller waits ``moment - now``."""
    row = conn.execute(_TAKE_TURN, {"job_id": job_id, "origin": origin, "delay": float(delay_s)}).one()
    return float(row.slot), float(row.now)


def hold_host(conn: Connection, job_id: str, origin: str, seconds: float) -> None:
    """No request of ``job_id`` to ``origin`` before ``seconds`` from now (the host said Retry-After)."""
    conn.execute(_HOLD, {"job_id": job_id, "origin": origin, "seconds": float(seconds)})
