"""Nothing stored twice: a page showing the text of a document its source holds is that document's alias.

A crawl compares each page it is about to store with the documents its source holds — those stored
by earlier crawls (read once when the run starts, a resumed run included) and those this run
stored since — by the measures of crawler/page_likeness.py: the same ``content_hash`` (identical
text), or the same outline and a resemblance of at least 0.95 (near-identical). Such a page stores
nothing: its URL becomes an alias of the document, and the page completes as a duplicate (reason
``same_content``, note "same as URL"). Its links are still followed.

The comparison runs inside the page's transaction, on the database thread: two pages with one text
loaded side by side are stored once, and what it compares with is the store as it is. The index in
memory only names candidates (a dictionary lookup per page); each is checked against its stored row,
so a document changed or deleted since is never matched by what it used to say.

A page whose URL holds a document already (a re-crawl) is stored as before — unless its text is now
that of a document this run stored or kept, and its own document is its source's alone: then its
document is folded into that one (deleted, its URL and aliases naming the other). A re-crawl so
stores once what an earlier crawl stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection

from quaero_desktop.crawler.page_likeness import NEAR_SIMILARITY, shingles, similarity, sketch
from quaero_desktop.crawler.text_digest import change_fingerprint
from quaero_desktop.domain.job import JobStatus, PageResult, SkipReason, StoppedBy
from quaero_desktop.engine.run.child_budget import ChildBudget, enqueue_urls
from quaero_desktop.engine.run.frontier import FrontierEntry
from quaero_desktop.engine.run.page_transactions import PageCommit
from quaero_desktop.engine.run.prepared_page import PreparedPage
from quaero_desktop.store import aliases_repo, documents_repo, frontier_repo, pages_repo

# Up to this many documents of one outline are measured directly; beyond, their sketches pick the candidates.
_MEASURED_DIRECTLY = 3
_MAX_CANDIDATES = 4


@dataclass(frozen=True)
class Likeness:
    """What the comparison needs of a page about to be stored (its Markdown is measured only when needed)."""

    content_hash: str
    outline_key: str
    markdown: str

    @property
    def comparable(self) -> bool:
        """A page without text is like every other page without text: it is never compared."""
        return bool(self.content_hash) and bool(self.markdown.strip())


@dataclass(frozen=True)
class SameAs:
    """The stored document a page shows the text of."""

    document_id: int
    url: str
    similarity: float  # 1.0: identical
    held_by_this_run: bool  # this crawl stored or kept it

    @property
    def note(self) -> str:
        alike = "" if self.similarity >= 1.0 else f" ({min(self.similarity, 0.999):.1%} alike)"
        return f"same as {self.url}{alike}: stored once, under that URL"


@dataclass
class SameContent:
    """The documents a run compares its pages with (touched only on the database thread, like ``ChildBudget``)."""

    job_id: str
    definition_id: str | None
    _by_hash: dict[str, int] = field(default_factory=dict)
    _by_outline: dict[str, dict[int, None]] = field(default_factory=dict)
    _sketches: dict[int, tuple[int, ...]] = field(default_factory=dict)
    _by_key: dict[tuple[str, int], int] = field(default_factory=dict)

    def load(self, conn: Connection) -> None:
        """The source's stored documents (at the start of a run, a resumed one too)."""
        for stored in aliases_repo.of_source(conn, definition_id=self.definition_id, job_id=self.job_id):
            self.add(stored.document_id, stored.content_hash, stored.outline_key)

    def add(self, document_id: int, content_hash: str, outline_key: str, keys: tuple[int, ...] = ()) -> None:
        """``document_id`` holds a text with this hash and outline now."""
        if not content_hash:
            return
        self._by_hash[content_hash] = document_id
        if outline_key:
            self._by_outline.setdefault(outline_key, {})[document_id] = None
            if keys:
                self._add_sketch(document_id, outline_key, keys)

    def find(
        self, conn: Connection, url: str, page: Likeness, own_document: int | None = None
    ) -> tuple[SameAs | None, tuple[int, ...]]:
        """The stored document (not ``url``'s own, ``own_document`` when known) whose text ``page`` shows, if
        one does; and the page's sketch when it was computed (to index the page by, once stored)."""
        if not page.comparable:
            return None, ()
        document_id = self._by_hash.get(page.content_hash)
        if document_id is not None and document_id != own_document:
            stored = aliases_repo.likeness(conn, document_id)
            if stored is not None and stored.url == url:
                own_document = document_id  # the page's own document says the same as before
            elif stored is not None and not stored.gone and stored.content_hash == page.content_hash:
                return SameAs(document_id, stored.url, 1.0, stored.job_id == self.job_id), ()
        members = self._by_outline.get(page.outline_key) if page.outline_key else None
        if not members or list(members) == [own_document]:
            return None, ()
        hashes = shingles(change_fingerprint(page.markdown))
        keys = sketch(hashes)
        best: SameAs | None = None
        for candidate in self._candidates(conn, page.outline_key, members, keys):
            if candidate == own_document:
                continue
            stored = aliases_repo.likeness(conn, candidate)
            if stored is None or stored.gone or stored.url == url or stored.outline_key != page.outline_key:
                continue
            alike = similarity(hashes, shingles(change_fingerprint(documents_repo.markdown_of(conn, candidate))))
            if alike >= NEAR_SIMILARITY and (best is None or alike > best.similarity):
                best = SameAs(candidate, stored.url, alike, stored.job_id == self.job_id)
        return best, keys

    def _candidates(
        self, conn: Connection, outline_key: str, members: dict[int, None], keys: tuple[int, ...]
    ) -> list[int]:
        """The documents of one outline worth measuring: all of a few, else those sharing a sketch key."""
        if len(members) <= _MEASURED_DIRECTLY:
            return list(members)
        for member in list(members):
            if member not in self._sketches:  # sketched once, the first time its outline has many documents
                text = change_fingerprint(documents_repo.markdown_of(conn, member))
                self._add_sketch(member, outline_key, sketch(shingles(text)))
        found = (self._by_key.get((outline_key, key)) for key in keys)
        return list(dict.fromkeys(document for document in found if document is not None))[:_MAX_CANDIDATES]

    def _add_sketch(self, document_id: int, outline_key: str, keys: tuple[int, ...]) -> None:
        self._sketches[document_id] = keys
        for key in keys:
            self._by_key.setdefault((outline_key, key), document_id)


@dataclass
class PageOnce:
    """One page about to be stored, as ``commit_document_page`` asks (page_transactions.StoreOnce)."""

    index: SameContent
    entry: FrontierEntry
    prepared: PreparedPage
    budget: ChildBudget
    now: datetime
    own_document: int | None  # the document stored at the page's URL before this crawl, if known
    http_status: int | None
    content_type: str
    _keys: tuple[int, ...] = ()

    def instead(self, conn: Connection) -> PageCommit | None:
        """The page's commit as an alias of the stored document it shows the text of; None: store it."""
        content = self.prepared.content
        likeness = Likeness(content.content_hash, content.outline_key, content.markdown)
        same_as, self._keys = self.index.find(conn, content.url, likeness, self.own_document)
        if same_as is None:
            return None
        own = aliases_repo.document_at(conn, content.url)
        if own is not None:  # stored before: folded only into what this run holds, if no other source holds it
            if not same_as.held_by_this_run or not aliases_repo.only_source_is(conn, own, self.index.definition_id):
                return None
            aliases_repo.fold(conn, own, same_as.document_id)
        job_id = self.budget.parent_id
        aliases_repo.add(
            conn, content.url, same_as.document_id, job_id=job_id, similarity=same_as.similarity, now=self.now
        )
        depth = self.entry.depth + 1
        children = enqueue_urls(conn, self.budget, self.prepared.links, depth, self.now, found_on=content.url)
        if self.prepared.links_beyond_depth:
            frontier_repo.record_left(conn, job_id, self.prepared.links_beyond_depth, StoppedBy.MAX_DEPTH)
        note = same_as.note
        pages_repo.finish_child(
            conn,
            self.entry.child_id,
            JobStatus.COMPLETED,
            now=self.now,
            started=self.entry.started_at,
            http_status=self.http_status,
            content_type=self.content_type,
            title=content.title,
            result=PageResult.DUPLICATE,
            reason=SkipReason.SAME_CONTENT,
            note=note,
        )
        return PageCommit(
            JobStatus.COMPLETED, PageResult.DUPLICATE, note, new_children=children, reason=SkipReason.SAME_CONTENT
        )

    def stored(self, conn: Connection, document_id: int, *, new: bool) -> None:
        """The page was stored as ``document_id``: later pages are compared with it too."""
        content = self.prepared.content
        if new:  # a URL that was an alias shows a page of its own now
            aliases_repo.remove(conn, content.url)
        if Likeness(content.content_hash, content.outline_key, content.markdown).comparable:
            self.index.add(document_id, content.content_hash, content.outline_key, self._keys)
