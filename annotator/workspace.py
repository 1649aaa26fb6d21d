"""The library API: what the CLI, the web app and a notebook call.

    >>> from annotator import Workspace
    >>> ws = Workspace.init("edition")
    >>> ws.add("letter.xml")
    >>> ws.reading_text("letter")

A workspace is a folder (``annotator.folder``) with its sources, exports, settings and store.
A facade: each method hands the workspace's ``ActContext`` (store, texts, editor, settings),
``Texts`` or ``Review`` to the act or export that does the work and documents it.

DOCS: README.md#library-api
"""

from __future__ import annotations

import importlib
import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from types import MethodType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from annotator.acts.context import ActContext
from annotator.acts.texts import Texts
from annotator.config import (EXPORTS_DIR, SOURCES_DIR, STORE_FILE, Settings, check_editor,
                              load_settings, os_user)
from annotator.errors import AnnotatorError
from annotator.folder import check_folder, find_folder, make_folder
from annotator.store import Store

if TYPE_CHECKING:
    from annotator.acts import bibliography, decisions_file, evaluate, folds, propose, queries
    from annotator.acts import claims as claim_acts
    from annotator.acts import conventions as conventions_acts
    from annotator.acts import register as register_acts
    from annotator.acts import queue as queue_acts
    from annotator.acts import quotes
    from annotator.acts import remove as remove_acts
    from annotator.acts import review as review_acts
    from annotator.acts import source_dates, train
    from annotator.acts import undo as undo_acts
    from annotator.acts.bibliography import BibAdded, Folded
    from annotator.acts.texts import SeenAsAdded, TextMapCache
    from annotator.nlp.conventions import Conventions
    from annotator.records import (AddResult, ApplyResult, BibEntry, Candidate, ClaimRow,
                                   Decision, ExportReport, ExportSummary, Link, Queued,
                                   RegisterImport, Source, SourceVersion, SourceWarning,
                                   Written)
    from annotator.tei.parse import ParsedSource
    from annotator.tei.textmap import TextMap
else:
    class _Later:
        """An act's module, imported at the first use of one of its names: the facade names
        every act, a command calls one or two (``annotator entities`` needs neither claims nor
        training)."""

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(self._name), attr)

    (bibliography, claim_acts, conventions_acts, decisions_file, evaluate, folds, propose,
     queries, queue_acts, quotes, register_acts, remove_acts, review_acts, source_dates, train,
     undo_acts) = (
        _Later(f"annotator.acts.{name}") for name in (
            "bibliography", "claims", "conventions", "decisions_file", "evaluate", "folds",
            "propose", "queries", "queue", "quotes", "register", "remove", "review",
            "source_dates", "train", "undo"))

P = ParamSpec("P")
R = TypeVar("R")


class _Forward:
    # A facade method: hands the workspace's context (``first``) to the act ``act()`` names.
    # Naming it in a lambda imports the act's module at the first call, or when its
    # docstring or signature is asked for (``help(ws.entities)``, ``ws.entities?`` in a
    # notebook), not with the facade.

    def __init__(self, act: Callable[[], Callable[..., Any]],
                 first: Callable[[Workspace], object]) -> None:
        self._act, self._first = act, first
        self.__name__ = self.__qualname__ = "method"

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__, self.__qualname__ = name, f"{owner.__name__}.{name}"

    def __get__(self, ws: Workspace | None, owner: type | None = None) -> Any:
        return self if ws is None else MethodType(self, ws)

    def __call__(self, ws: Workspace, /, *args: Any, **kwargs: Any) -> Any:
        act = self._act()
        try:
            return act(self._first(ws), *args, **kwargs)
        except TypeError as err:  # arguments the act does not take: say it of this method
            try:
                inspect.signature(act).bind(None, *args, **kwargs)
            except TypeError as wrong:
                raise TypeError(f"{self.__qualname__}(): {wrong}") from None
            raise err

    def __repr__(self) -> str:
        return f"<method {self.__qualname__}>"

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self._act().__doc__

    @property
    def __wrapped__(self) -> Callable[..., Any]:  # inspect.getsource, a notebook's ??
        return self._act()

    @property
    def __signature__(self) -> inspect.Signature:
        """The act's, the workspace in place of what it hands the act."""
        sig = inspect.signature(self._act())
        ws = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        return sig.replace(parameters=[ws, *list(sig.parameters.values())[1:]])


def _in_context(act: Callable[[], Callable[Concatenate[ActContext, P], R]]
                ) -> Callable[Concatenate[Workspace, P], R]:
    """A method that calls the act (or export) ``act()`` names with the workspace's context."""
    return cast("Callable[Concatenate[Workspace, P], R]",
                _Forward(act, lambda ws: ws.context))


def _by_review(act: Callable[[], Callable[Concatenate[review_acts.Review, P], R]]
               ) -> Callable[Concatenate[Workspace, P], R]:
    """A method that calls the ``Review`` act ``act()`` names as the workspace's editor."""
    return cast("Callable[Concatenate[Workspace, P], R]",
                _Forward(act, lambda ws: ws.context.review()))


class Workspace:
    """An editor's workspace: sources, the store of decisions, exports."""

    def __init__(self, root: str | Path, *, settings: Settings | None = None) -> None:
        self.root = Path(root).resolve()
        self.settings = settings or load_settings(self.root)  # the editor filled in: below
        self._textmaps: TextMapCache = OrderedDict()  # kept while the store is reopened
        self._seen_as_added: SeenAsAdded = {}  # files found as added (``Texts.edited``)
        # what bringing an older store up to date changed that the editor should know, one
        # line each (``Store.upgraded``: the sources dated anew), said by the CLI
        self.upgraded: list[str] = []

    @classmethod
    def init(cls, path: str | Path = ".") -> Workspace:
        """Create (or reopen) a workspace folder with its store, config and folders."""
        upgraded: list[str] = []

        def make_store(root: Path) -> None:
            with Store.open(root / STORE_FILE, create=True) as store:
                upgraded.extend(store.upgraded)

        ws = cls(make_folder(path, make_store))
        ws.upgraded = upgraded
        return ws

    @classmethod
    def find(cls, start: str | Path | None = None) -> Workspace:
        """The workspace holding ``start`` (default: $ANNOTATOR_WORKSPACE or the current folder)."""
        return cls(find_folder(start))._checked()

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        """The workspace at exactly ``path``."""
        return cls(check_folder(path))._checked()

    def _checked(self) -> Workspace:
        """Opened: a store from a newer annotator, or not a store at all, is refused here,
        before any command (or ``serve``) starts."""
        self.store  # noqa: B018  (opening is the check)
        return self

    @cached_property
    def store(self) -> Store:
        store = Store.open(self.root / STORE_FILE)
        self.upgraded.extend(store.upgraded)
        return store

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sources_dir(self) -> Path:
        return self.root / SOURCES_DIR

    @property
    def exports_dir(self) -> Path:
        return self.root / EXPORTS_DIR

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        """Every settings a workspace takes (``load_settings``, ``Workspace(root,
        settings=...)``, ``ws.settings = ...``) that name no editor name the OS user: a decision
        recorded with an empty editor could not say who made it."""
        self._settings = settings if settings.editor else settings.with_overrides(editor=os_user())

    @property
    def editor(self) -> str:
        """The name recorded with each decision this workspace makes."""
        return self.settings.editor

    @editor.setter
    def editor(self, name: str) -> None:
        """Refused (C005) when empty, only spaces or holding a control character: each
        decision records it, and ``history`` lists one decision a line."""
        self.settings = self.settings.with_overrides(editor=check_editor(name))

    @property
    def texts(self) -> Texts:
        """The sources and their reading texts (the last ones used kept in memory)."""
        return Texts(self.store, self.root, self._textmaps, self._seen_as_added)

    @property
    def context(self) -> ActContext:
        """What the acts and exports work with."""
        return ActContext(self.store, self.texts, self.editor, self.settings, self.root)

    # -- sources: annotator.acts.ingest, annotator.acts.texts -----------------------------
    def add(self, path: str | Path, *, title: str | None = None,
            replace: bool = False) -> AddResult:
        """Add one source file: TEI kept byte for byte, text and Markdown encoded as TEI."""
        return self.add_many([path], title=title, replace=replace)[0]

    def add_many(self, paths: Iterable[str | Path], *, title: str | None = None,
                 replace: bool = False,
                 on_error: Callable[[AnnotatorError], None] | None = None,
                 on_register: Callable[[RegisterImport], None] | None = None
                 ) -> list[AddResult]:
        """Add several files; a bad one is reported (``on_error``) and nothing of it written;
        an export's register.xml is imported as a register (``on_register``), not added."""
        from annotator.acts import ingest  # with the TEI reader of exports: only to add
        return ingest.add_many(self.context, paths, title=title, replace=replace,
                               on_error=on_error, on_register=on_register)

    def remove_source(self, source_id: str, *, force: bool = False) -> Decision:
        """Take a source out: its mentions, claims and links go, and the proposed entities
        named nowhere else (no mention, claim or decision), the register's entities stay,
        its file leaves ``sources/``; one act, which ``undo`` takes back (DOCS:
        README.md#removing-a-source)."""
        return remove_acts.remove_source(self.context, source_id, force=force)

    def sources(self) -> list[Source]:
        return self.texts.sources()

    def source(self, source_id: str) -> Source:
        return self.texts.source(source_id)

    def source_versions(self, source_id: str) -> list[SourceVersion]:
        """The versions of a source's file the store keeps, oldest first (``current``: its
        file now): what a replacement replaced can be written out and added again."""
        return self.texts.versions(source_id)

    def source_version(self, source_id: str, version: str | int | None = None
                       ) -> tuple[SourceVersion, bytes]:
        """One kept version of a source's file (``version`` as ``write_source_version``
        takes it) and its bytes as kept: what 'source versions --write N -o -' prints."""
        return self.texts.version_file(source_id, version)

    def write_source_version(self, source_id: str, out: str | Path,
                             version: str | int | None = None) -> tuple[SourceVersion, Path]:
        """Write one kept version of a source's file (``version``: its number in
        ``source_versions`` or the start of its hash; None: the file now) to ``out`` (a
        folder: under the source's file name, which 'add --replace' takes for it), byte for
        byte, and say where; a file already there is never written over (S029)."""
        return self.texts.write_version(source_id, out, version)

    # what the sources' files say that the editor should check (S026), by source id
    source_warnings = _in_context(lambda: source_dates.date_warnings)

    def edited_sources(self, sources: Iterable[Source] | None = None
                       ) -> dict[str, SourceWarning]:
        """S016 of the sources (default: all) whose file was edited by hand since it was
        added, by source id: the store's decisions no longer describe those files."""
        found = ((s.id, self.texts.edited(s)) for s in
                 (self.sources() if sources is None else sources))
        return {sid: w for sid, w in found if w is not None}

    def parsed(self, source_id: str) -> ParsedSource:
        return self.texts.parsed(source_id)

    def textmap(self, source_id: str, parsed: ParsedSource | None = None, *,
                stored: bool = False) -> TextMap:
        """``stored``: a file edited by hand since it was added (S016) read as the store
        keeps it (``Texts.as_stored``), for the listings that warn of it, instead of refused."""
        return (self.texts.as_stored() if stored else self.texts).textmap(source_id, parsed)

    def reading_text(self, source_id: str, *, stored: bool = False) -> str:
        """``stored`` as ``textmap`` takes it."""
        return (self.texts.as_stored() if stored else self.texts).reading_text(source_id)

    # -- offsets and words: annotator.acts.quotes; DOCS: docs/review.md#offsets-and-words --
    text_blocks = _in_context(lambda: quotes.blocks)
    find_words = _in_context(lambda: quotes.find)
    quoted = _in_context(lambda: quotes.quoted)

    def version_textmap(self, source_id: str, sha256: str) -> TextMap | None:
        """The reading text of one version of a source (a stale mention's, whose offsets hold
        there only); None when that version cannot be read."""
        return self.texts.version_of(source_id, sha256)

    # -- proposals, mentions, entities: annotator.acts.propose, .queries, .evaluate -------
    propose = _in_context(lambda: propose.propose)
    mentions = _in_context(lambda: queries.mentions)
    mention_spans = _in_context(lambda: queries.mention_spans)
    pointer_owners = _in_context(lambda: queries.pointer_owners)
    mention = _in_context(lambda: queries.mention)
    mention_gone = _in_context(lambda: queries.mention_gone)
    mention_marks = _in_context(lambda: queries.mention_marks)
    source_counts = _in_context(lambda: queries.source_counts)
    shown_mentions = _in_context(lambda: queries.shown_mentions)
    entities = _in_context(lambda: queries.entities)
    entity = _in_context(lambda: queries.entity)
    similar = _in_context(lambda: queries.similar)
    merge_suggestions = _in_context(lambda: queries.merge_suggestions)
    mention_tally = _in_context(lambda: queries.mention_tally)
    evaluate = _in_context(lambda: evaluate.evaluate)
    evaluate_each = _in_context(lambda: evaluate.evaluate_each)
    train = _in_context(lambda: train.train_model)
    models = _in_context(lambda: train.models)
    choose_model = _in_context(lambda: train.choose_model)
    evaluate_folds = _in_context(lambda: folds.evaluate_folds)

    # -- bibliography: annotator.acts.bibliography; DOCS: docs/claims.md#bibliography -----
    def bib_add(self, *paths: str | Path, replace: bool = False,
                strict: bool = False) -> BibAdded:
        """Add the works of .bib files, read as one library, as biber reads them (every
        problem listed in the result; ``strict=True`` refuses on any). One act: one undo."""
        return bibliography.add_files(self.store, [Path(p) for p in paths], root=self.root,
                                      editor=self.editor, replace=replace, strict=strict)

    def bib_fold(self, *keys: str, dry_run: bool = False, force: bool = False) -> list[Folded]:
        """Fold the works an older release made more than once for one work its sources cite
        (journeylondon, journeylondona: one ``@ref``), or with ``keys`` the works under the
        second key and after into the first's, as the editor says; one act, undoable.
        ``dry_run``: say what would be folded, change nothing; ``force``: fold a source's
        own record by hand too (refused, D323, else)."""
        return bibliography.fold_works(self.store, editor=self.editor, parsed=self.texts.parsed,
                                       edition_of=self.texts.edition, dry_run=dry_run,
                                       keys=keys, force=force)

    def bib(self, query: str | None = None) -> list[BibEntry]:
        return bibliography.entries(self.store, query)

    def bib_entry(self, key: str) -> BibEntry:
        return bibliography.entry(self.store, key)

    # -- claims: annotator.acts.claims; DOCS: docs/claims.md ------------------------------
    add_claim = _in_context(lambda: claim_acts.add_claim)
    set_claim_agent = _in_context(lambda: claim_acts.set_agent)
    link_claim = _in_context(lambda: claim_acts.link_claim)
    propose_claims = _in_context(lambda: claim_acts.propose_claims)
    claims = _in_context(lambda: claim_acts.claims)
    claim = _in_context(lambda: claim_acts.claim)
    check = _in_context(lambda: claim_acts.check)
    passage_words = _in_context(lambda: claim_acts.passage_words)

    accept_links = _in_context(lambda: claim_acts.accept_links)
    unlink_links = _in_context(lambda: claim_acts.unlink)
    confirm_claims = _in_context(lambda: claim_acts.confirm_claims)
    reject_claims = _in_context(lambda: claim_acts.reject_claims)

    def accept_link(self, link_id: int | str, *, locus: str | None = None,
                    expected: str | None = None) -> Link:
        return self.accept_links([link_id], locus=locus, expected=expected)[0]

    def unlink(self, link_id: int | str, *, expected: str | None = None) -> None:
        self.unlink_links([link_id], expected=expected)

    def confirm_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        return self.confirm_claims([claim_id], expected=expected)[0]

    def reject_claim(self, claim_id: int | str, *, expected: str | None = None) -> ClaimRow:
        return self.reject_claims([claim_id], expected=expected)[0]

    # -- review: annotator.acts.review, .register; DOCS: docs/review.md -------------------
    state_token = _by_review(lambda: review_acts.Review.state_token)
    relabel = _by_review(lambda: review_acts.Review.relabel)
    adjust = _by_review(lambda: review_acts.Review.adjust)
    link = _by_review(lambda: review_acts.Review.link)
    set_preferred = _by_review(lambda: review_acts.Review.set_preferred)
    set_note = _by_review(lambda: review_acts.Review.set_note)
    skip = _by_review(lambda: review_acts.Review.skip)
    merge = _by_review(lambda: review_acts.Review.merge)
    split = _by_review(lambda: review_acts.Review.split)

    def undo(self, decision_id: int | None = None, *, expected: str | None = None,
             among: Sequence[int] | None = None) -> Decision:
        """Undo the newest act in force, or a given one (``annotator.acts.undo.undo``); a
        source's file follows its row: a removal undone writes it back into ``sources/``, and
        redone (its undo undone) deletes it again."""
        context = self.context
        leaving = remove_acts.leaving_file(context, decision_id)
        done = undo_acts.undo(context.review(), decision_id, expected=expected, among=among)
        remove_acts.settle_file(context, done, leaving)
        return done

    def redo(self) -> Decision:
        """Take back the newest undo not taken back yet (``annotator.acts.undo.redo_target``):
        its act is in force again, a removal's file deleted again."""
        return self.undo(undo_acts.redo_target(self.store))

    import_register = _in_context(lambda: register_acts.import_register)
    import_registers = _in_context(lambda: register_acts.import_registers)
    register = _in_context(lambda: queries.register)
    export_register = _in_context(lambda: queries.export_register)

    def confirm(self, *targets: str | Iterable[str], expected: str | None = None) -> Decision:
        """Confirm entities (all their undecided mentions too) or ``mention:<id>`` targets."""
        return self.context.review().confirm(_flat(targets), expected=expected)

    def reject(self, *targets: str | Iterable[str], expected: str | None = None) -> Decision:
        """Reject entities (their names are never proposed again for that type) or mentions."""
        return self.context.review().reject(_flat(targets), expected=expected)

    def reject_in_source(self, entity_id: str, source_id: str, *, proposed_only: bool = False,
                         expected: str | None = None) -> Decision:
        """Not in this source: reject the entity's mentions there (``proposed_only``: its
        undecided proposals there only, as a known entity's card does); its names are not
        proposed again as its type in that source (other sources keep them). Undo takes it
        back."""
        return self.context.review().reject_in_source(entity_id, source_id,
                                                      proposed_only=proposed_only,
                                                      expected=expected)

    def confirm_proposed(self, entity_id: str, *, expected: str | None = None) -> Decision:
        """Accept a known (confirmed) entity's new mentions, the proposals a register import
        or ``propose`` linked to it; the entity stays as it is (D033: not confirmed, or
        nothing proposed). The queue's ``a`` on such a card."""
        return self.context.review().decide_proposed(entity_id, "confirmed", expected=expected)

    def reject_proposed(self, entity_id: str, *, expected: str | None = None) -> Decision:
        """Reject a known entity's new mentions only: never the entity, its names or ids
        (D033 as ``confirm_proposed``). The queue's ``x`` on such a card."""
        return self.context.review().decide_proposed(entity_id, "rejected", expected=expected)

    def set_date(self, mention_id: int | str, *, when: str | None = None,
                 from_: str | None = None, to: str | None = None,
                 not_before: str | None = None, not_after: str | None = None,
                 julian: bool | None = None, cert: str | None = None,
                 expected: str | None = None) -> Decision:
        """Correct a date mention's value (and confirm it): ``when``, or ``from_``/``to``, or
        ``not_before``/``not_after``; and/or set (True) or clear (False) its ``julian`` flag,
        an Old Style date's (its words a Julian day, its value the Gregorian one), and/or
        say how certain the value is, ``cert`` 'low', 'medium' or 'high' (a value given
        without it is 'high'), in the same act."""
        value = {k: v for k, v in (("when", when), ("from", from_), ("to", to),
                                   ("notBefore", not_before), ("notAfter", not_after)) if v}
        return self.context.review().set_date(mention_id, value, julian=julian, cert=cert,
                                              expected=expected)

    def confirm_dates(self, source_id: str, *, certain: bool = True) -> Decision:
        """Confirm a source's proposed dates as one act: with ``certain`` only the ones
        stated in full (certainty high, weekday fitting), else all that have a value."""
        self.source(source_id)
        return self.context.review().confirm_dates(source_id, certain=certain)

    def set_source_date(self, source_id: str, value: str) -> Decision:
        """Set the date a source was written; its partial dates lean on it at the next
        ``propose``."""
        self.source(source_id)
        return self.context.review().set_source_date(source_id, value)

    def add_mention(self, source_id: str, start: int, end: int, type: str, *,  # noqa: A002
                    entity_id: str | None = None,
                    date_value: dict[str, str] | str | None = None,
                    expected: str | None = None, as_edition: bool = False) -> Decision:
        """Add a mention the model missed, confirmed. The span is widened to the whole words
        its edges cut ('Molot' marks 'Molotov'); ``as_edition``: then marked as the edition
        marks such a name (``snap``), as a selection in the browser is."""
        return self.context.review().add_mention(source_id, start, end, type,
                                                 entity_id=entity_id, date_value=date_value,
                                                 expected=expected,
                                                 edition=self._edition_snap if as_edition
                                                 else None)

    def history(self, *, target: str | None = None,
                limit: int | None = None) -> list[Decision]:
        return undo_acts.history(self.store, target=target, limit=limit)

    def decision(self, decision_id: int) -> Decision | None:
        """One decision of the log (None: no such decision)."""
        return undo_acts.decision(self.store, decision_id)

    def in_force(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` logged and not undone, in their order (a page's decisions less
        those undone since), from one query."""
        return undo_acts.in_force(self.store, ids)

    def undo_next(self, *, among: Sequence[int] | None = None
                  ) -> tuple[Decision | None, undo_acts.Blocked | None]:
        """``(last_undoable(), undo_blocked())`` from one look at the log (a page shows both);
        ``among``: only these decisions (a page's own), by the same rule."""
        return undo_acts.undo_next(self.store, among=among)

    def last_undoable(self) -> Decision | None:
        """The decision ``undo()`` would take back now (None: nothing, or the newest is
        blocked)."""
        return self.undo_next()[0]

    def undo_blocked(self) -> undo_acts.Blocked | None:
        """Why ``undo()`` takes nothing back though acts are in force: the newest cannot be
        undone (a source's replacement changed its rows), why, how many, what to do, and the
        newest that ``undo(id)`` can take back; None: not blocked."""
        return self.undo_next()[1]

    def queue(self, *, type: str | Iterable[str] | None = None,  # noqa: A002
              by: str = "mentions") -> list[str]:
        """Entity ids left to decide (of one type, several or all), most mentions first
        (``by="confidence"``: the surest proposals first); skipped ones at the end."""
        return queue_acts.queue(self.store, self.editor, type_=type, by=by)

    def queued(self, *, type: str | Iterable[str] | None = None,  # noqa: A002
               by: str = "mentions") -> list[Queued]:
        """The queue as ``queue`` orders it, each entity with how many of its mentions are to
        decide and whether this editor skipped it: the queue without the full-screen review."""
        return queue_acts.queued(self.store, self.editor, load=self.entities, type_=type, by=by)

    def snap(self, source_id: str, start: int, end: int, type: str  # noqa: A002
             ) -> tuple[int, int]:
        """A selected span as it is marked: widened to the whole words its edges cut, then as
        this edition marks such a name (its learned conventions), as ``add_mention(...,
        as_edition=True)`` marks it (``Review.snap``, the one way): a span around no word is
        refused (D022), one outside the text left as given."""
        return self.context.review().snap(source_id, start, end, type,
                                          edition=self._edition_snap)

    def _edition_snap(self, source_id: str, start: int, end: int, type: str  # noqa: A002
                      ) -> tuple[int, int]:
        from annotator.nlp.conventions import snap_selection

        conv = conventions_acts.edition_conventions(self, datelines=False).source(source_id)
        return snap_selection(self.reading_text(source_id), start, end, type, conv)

    def conventions(self, source_id: str | None = None, *, learned: bool = True
                    ) -> Conventions:
        """A source's conventions (titles, kin terms, articles, 'city of', possessives,
        datelines, names in the editor's notes, weekday headings), which its proposals follow:
        learned from its own confirmed mentions, else from its edition's (``edition``), else the
        defaults; overridden in annotator.toml. Without a source: every source's mentions
        together, whatever their edition (a workspace of one edition's; ``edition_conventions``
        gives each edition's)."""
        every = conventions_acts.edition_conventions(self, learned=learned)
        if source_id is None:
            return every.workspace()
        return every.source(self.source(source_id).id)

    def edition_conventions(self) -> dict[str, tuple[int, Conventions]]:
        """Each edition of the workspace whose conventions its sources share
        (``conventions_edition``: the series, publisher or own schema its sources' files
        name, the workspace's texts for those annotator encoded, '' for TEI files naming
        none), with how many sources it has and its conventions, learned from its sources'
        confirmed mentions together, else the defaults (for '' the defaults: those sources
        are no edition together)."""
        learned = conventions_acts.edition_conventions(self)
        sizes: dict[str, int] = {}
        for src in self.sources():
            name = self.texts.conventions_edition(src)  # the row read already
            sizes[name] = sizes.get(name, 0) + 1
        return {name: (sizes[name], learned.edition(name))
                for name in sorted(sizes, key=lambda n: (not n, n.casefold()))}

    def edition_labels(self) -> dict[str, str]:
        """Each edition of ``edition_conventions`` -> the name to show an editor: its series
        or publisher, else, for an edition its files name only by their own schema, the
        folder they were added from with the schema as a detail ("curious-travellers (schema
        CT.rng)"); '' for TEI files naming none."""
        return self.texts.edition_labels()

    def edition(self, source_id: str) -> str:
        """The edition a source belongs to, as its file names it (its series, else its
        publisher, else its own schema), '' when it names none: the sources whose
        conventions it shares (none for ''; the texts annotator encoded share theirs,
        ``conventions_edition``)."""
        return self.texts.edition(source_id)

    def conventions_edition(self, source_id: str) -> str:
        """The edition whose conventions a source shares: the one its file names
        (``edition``), else "(the workspace's texts)" for a .txt or .md file annotator
        encoded, all of them one edition, else '' (a TEI file naming none: on its own)."""
        return self.texts.conventions_edition(source_id)

    def candidate(self, entity_id: str, *, limit: int | None = 3) -> Candidate:
        """One entity as the review shows it: ``limit`` mentions in context (None: every one,
        rejected ones marked) and register matches."""
        return queue_acts.candidate(self.store, self.reading_text, entity_id, load=self.entity,
                                    limit=limit)

    def apply_decisions(self, path: str | Path) -> ApplyResult:
        """Apply a readable decisions file (TOML): confirm/reject/relabel... by name and type."""
        return decisions_file.apply_file(self.context, Path(path))

    # -- exports: annotator.export, imported to export only (numpy); DOCS: docs/export.md
    def export_tei(self, source_ids: Iterable[str] | None = None, *,
                   include_proposals: bool = False, out_dir: str | Path | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   register: str | None = None) -> ExportReport:
        """Annotated TEI of each source (default: all): only what editors decided is
        inserted. ``register``: inline, file or none (default: as the sources keep theirs)."""
        from annotator.export import tei
        return tei.export_tei(self.context, source_ids, include_proposals=include_proposals,
                              out_dir=out_dir, progress=progress, register=register)

    def export_bibtex(self, *, all: bool = False, ascii: bool = False,  # noqa: A002
                      out: str | Path | None = None) -> Written:
        from annotator.export import bibtex
        return bibtex.export_bibtex(self.context, everything=all, ascii_only=ascii, out=out)

    def export_csl(self, *, all: bool = False,  # noqa: A002
                   out: str | Path | None = None) -> Written:
        from annotator.export import csl
        return csl.export_csl(self.context, everything=all, out=out)

    def export_claims(self, fmt: str = "csv", *, include_proposals: bool = False,
                      out: str | Path | None = None) -> Written:
        from annotator.export import claims
        return claims.export_claims(self.context, fmt, include_proposals=include_proposals,
                                    out=out)

    def export_all(self, *, include_proposals: bool = False,
                   progress: Callable[[int, int], None] | None = None,
                   register: str | None = None) -> ExportSummary:
        from annotator.export import summary
        return summary.export_all(self.context, include_proposals=include_proposals,
                                  progress=progress, register=register)


def _flat(targets: tuple[str | Iterable[str], ...]) -> list[str]:
    """Targets given one by one or as lists: ``confirm("a", "b")`` or ``confirm(["a", "b"])``."""
    return [t for item in targets for t in ([item] if isinstance(item, str) else item)]
