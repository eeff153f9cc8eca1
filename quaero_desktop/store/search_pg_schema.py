"""What full-text search needs on PostgreSQL (migration 0017; tests build it with ``create``).

SQLite's FTS5 table reads text with ``unicode61``: a word is a run of letters and digits, case and
diacritics folded, everything else separates (``asyncio.run`` is ``asyncio`` and ``run``, ``x86_64`` is
``x86`` and ``64``, ``3.11`` is ``3`` and ``11``, ``zebra-striped`` two words). PostgreSQL's parser
keeps such things whole (``asyncio.run`` is one host name, ``3.11`` one version), so the text is first
brought to the same words — lower case, ``unaccent`` (contrib, shipped in Debian's postgresql-15),
every run of punctuation, space and control characters one space — and read by the ``simple``
configuration (no stemmer, no stop words, like ``unicode61`` without ``porter``).

``documents.search_vector`` holds the title's words with weight A and the body's with D, with a gap
between them (a phrase never spans title and body, as FTS5's columns do not); a GIN index finds the
matches. ``documents.search_title`` holds the title's alone, with its own GIN index: ``title:`` words and
the title tiers are matched and counted there without reading the (long, TOASTed) body's vector.
``documents.search_length`` counts the words of both, the document length bm25 needs. A trigger keeps
all three in step with the title and Markdown.
"""

from __future__ import annotations

from sqlalchemy import Connection

# A tsvector holds at most 1 MB: a body's first INDEXED_CHARS characters (its words as normalised) are
# indexed with their places, the rest as the different words it holds (at most REST_CHARS of them): a
# word found only there is found, its places are not kept (past the 16,383rd word a tsvector keeps none).
# Worst case (every word different, 4 letters) about 960 KB.
INDEXED_CHARS = 200_000
REST_CHARS = 200_000

# What ``create`` adds to the documents table, beside the columns of store/schema.py (which leaves them
# out: SQLite has none; tests comparing a migrated store with the code set them aside, as FTS5's tables).
COLUMNS = ("search_vector", "search_title", "search_length")
INDEXES = ("ix_documents_search", "ix_documents_search_title", "ix_documents_search_length")

_FUNCTIONS = (
    """
    CREATE OR REPLACE FUNCTION quaero_search_text(content text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT regexp_replace(lower(unaccent('unaccent'::regdictionary, coalesce(content, ''))),
                              '[[:punct:][:space:][:cntrl:]_]+', ' ', 'g')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION quaero_word_count(words text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN btrim(words) = '' THEN 0 ELSE cardinality(string_to_array(btrim(words), ' ')) END
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION quaero_documents_search() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        title_words text := quaero_search_text(NEW.title);
        body_words text := quaero_search_text(NEW.markdown);
        cut integer := length(body_words);
        body_vector tsvector;
    BEGIN
        IF cut > {INDEXED_CHARS} THEN  -- at the first space past INDEXED_CHARS: no word cut in two
            cut := {INDEXED_CHARS} + coalesce(nullif(position(' ' in substr(body_words, {INDEXED_CHARS} + 1)), 0), cut);
        END IF;
        body_vector := to_tsvector('simple', left(body_words, cut));
        IF cut < length(body_words) THEN  -- the rest: each word once (their places would all be the last one)
            body_vector := body_vector || to_tsvector('simple', left((
                SELECT string_agg(DISTINCT word, ' ')
                FROM regexp_split_to_table(substr(body_words, cut + 1), ' ') AS word), {REST_CHARS}));
        END IF;
        NEW.search_title := setweight(to_tsvector('simple', title_words), 'A');
        -- the lexeme '_' (no text yields it) holds one position between title and body, then goes
        NEW.search_vector := ts_delete(NEW.search_title || '''_'':1'::tsvector || body_vector, '_');
        NEW.search_length := quaero_word_count(title_words) + quaero_word_count(body_words);
        RETURN NEW;
    END
    $$
    """,
)


def create(conn: Connection) -> None:
    """The search columns, their trigger and index on ``documents``, filled for the rows it holds."""
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    for statement in _FUNCTIONS:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(
        "ALTER TABLE documents ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector, "
        "ADD COLUMN search_title tsvector NOT NULL DEFAULT ''::tsvector, "
        "ADD COLUMN search_length integer NOT NULL DEFAULT 0"
    )
    conn.exec_driver_sql(
        "CREATE TRIGGER documents_search BEFORE INSERT OR UPDATE OF title, markdown ON documents "
        "FOR EACH ROW EXECUTE FUNCTION quaero_documents_search()"
    )
    conn.exec_driver_sql("UPDATE documents SET title = title")  # the trigger fills the columns of existing rows
    conn.exec_driver_sql("CREATE INDEX ix_documents_search ON documents USING gin (search_vector)")
    conn.exec_driver_sql("CREATE INDEX ix_documents_search_title ON documents USING gin (search_title)")
    # bm25's mean document length is read from this index alone (a search sums it): not every row of documents
    conn.exec_driver_sql("CREATE INDEX ix_documents_search_length ON documents (search_length)")


def drop(conn: Connection) -> None:
    """What ``create`` made (the unaccent extension stays: others may use it)."""
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS documents_search ON documents")
    for index in INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")
    conn.exec_driver_sql(
        "ALTER TABLE documents DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS search_title, "
        "DROP COLUMN IF EXISTS search_length"
    )
    for function in ("quaero_documents_search()", "quaero_word_count(text)", "quaero_search_text(text)"):
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function}")
