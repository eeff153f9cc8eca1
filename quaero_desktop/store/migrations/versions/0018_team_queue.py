"""Team mode's page queue (engine/team/page_queue.py): on a PostgreSQL store, Procrastinate's tables,
types and functions, so whichever program first opens a team store (a worker, the window, ``run``)
leaves it ready, and the queue's schema moves with the store's migrations. A later Procrastinate
release is taken in by a migration applying its own upgrade scripts (procrastinate/sql/migrations).
Nothing on SQLite: crawls there run in the program's own engine.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Procrastinate wakes idle workers when a job is queued, not when a job ends; a page queued behind a
# busy lock (engine/team/crawl_levels.py: a host's pages share a few) then waited for the workers' next
# poll (5 s each time). This says "a job waits" to the queue's listeners when a locked job ends.
_WAKE_ON_LOCK_RELEASE = """
CREATE FUNCTION quaero_page_lock_released() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name,
                      json_build_object('type', 'job_inserted', 'job_id', NEW.id)::text);
    RETURN NEW;
END;
$$;
CREATE TRIGGER quaero_page_lock_released AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (OLD.status = 'doing' AND NEW.status <> 'doing' AND NEW.lock IS NOT NULL)
    EXECUTE PROCEDURE quaero_page_lock_released();
"""

_DROP_QUEUE = """
DROP FUNCTION IF EXISTS quaero_page_lock_released() CASCADE;
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.oid::regclass AS name FROM pg_class c
                 WHERE c.relkind = 'r' AND c.relname LIKE 'procrastinate%'
                   AND c.relnamespace = current_schema()::regnamespace LOOP
        EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', item.name);
    END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                 WHERE p.proname LIKE 'procrastinate%' AND p.pronamespace = current_schema()::regnamespace LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
    END LOOP;
    FOR item IN SELECT t.oid::regtype AS name FROM pg_type t
                 WHERE t.typname LIKE 'procrastinate%' AND t.typtype IN ('e', 'c')
                   AND t.typnamespace = current_schema()::regnamespace LOOP
        EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
    END LOOP;
END $$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is None:
        from procrastinate.schema import SchemaManager

        # As Procrastinate applies it: the driver reads % as the start of a parameter.
        bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
        bind.exec_driver_sql(_WAKE_ON_LOCK_RELEASE)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(_DROP_QUEUE.replace("%", "%%"))
