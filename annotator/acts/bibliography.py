"""The bibliography in the store: the works a claim can be linked to, under stable keys.

Reading .bib files and TEI ``bibl``/``biblStruct`` is ``annotator.bibliography.entries``'s job (pure); this
module keeps what it reads in the store's ``bib`` table. Adding a .bib file is one act in the
decisions log, so ``undo`` takes it back; the works a source lists are kept when the source is
added, inside that act. A key, once stored, is never renamed, but by ``bib fold`` to the id
the source's bibls point to, the old key kept as an alias (``ids``).

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotator.bibliography import entries as bib_mod
from annotator.bibliography.biblatex_entries import written as bib_written
from annotator.bibliography.csl_items import item as csl_item
from annotator.bibliography.library import NOTE, REFUSED, SKIPPED, Problem, read_as_csl
from annotator.errors import AnnotatorError, DecisionError
from annotator.files import relative
from annotator.records import BibEntry, SourceWarning
from annotator.store import Act, Store, now
from annotator.store import bib as bib_rows
from annotator.tei.header import edition_name
from annotator.tei.parse import ParsedSource


@dataclass(frozen=True, slots=True)
class BibAdded:
    """What adding .bib files did: the entries added and updated, how many were there
    already, every problem met (warnings and entries left out), the decision that added
    them (which ``undo`` takes by id; None when nothing changed), and the entries ``bib
    fold`` folded into another work, left there: (the entry's key, the work's key now)."""

    added: tuple[BibEntry, ...]
    updated: tuple[BibEntry, ...]
    unchanged: int
    problems: tuple[Problem, ...]
    decision: int | None = None
    folded: tuple[tuple[str, str], ...] = ()
    # a folded entry its file says otherwise since the fold, not taken: (key, kept, file,
    # the fields that differ)
    edited_since: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()


def add_files(store: Store, paths: Sequence[Path], *, root: Path, editor: str,
              replace: bool = False, strict: bool = False) -> BibAdded:
    """Add (or with ``replace`` update) the works of .bib files read as one library.

    Every entry that can be read comes in; what biber tolerates is a warning in the result's
    ``problems``. Refused, adding nothing: a file that cannot be read, or with ``strict``
    any problem at all but a note (how a value is read: a year below 0). ``root``: the workspace folder; entries remember their file relative
    to it.

    An entry ``bib fold`` folded into another work (its key one of that work's ``ids``) is
    that work, as Zotero keeps a merged item's: added again, it stays folded (``folded``),
    and an entry naming it by ``crossref`` or ``xref`` names the work kept, which keeps the
    fields the fold gave it (``_as_kept``). An entry is a stored work unchanged where the
    export of its file's kind writes the two alike (``_same_written``).
    """
    known = entries(store)
    origins = [relative(p, root) or p.name for p in paths]
    folds = bib_rows.folds(store.conn)
    into, kept = _folded_into(folds.origins, known, origins)
    found, problems = bib_mod.read_library(paths, origins=origins, known=known, moved=into)
    by_fold = {e.key.lower(): e for e in known}
    filled = folds.filled
    csl = {origin for path, origin in zip(paths, origins) if read_as_csl(path)}
    new, changed, unchanged, folded, edited_since = [], [], 0, [], []
    read_by_key = {e.key.lower(): e for e in found}
    present = {e.key.lower() for e in known} | read_by_key.keys()  # the keys a file may name
    then = folds.fields
    for read, path in ((e, _path_of(e, paths, origins)) for e in found):
        entry = _parents_kept(read, into)
        old = by_fold.get(entry.key.lower())
        if old is not None and read.get("crossref").lower() in into:
            parent = entry.get("crossref").lower()
            entry = _as_child(old, entry, read_by_key.get(parent) or by_fold.get(parent))
        if old is not None and old.key in kept:
            entry = _as_kept(old, entry, filled.get(old.key.lower(), {}))
        if old is None and entry.key.lower() in into:
            folded.append((entry.key, into[entry.key.lower()]))
            was = then.get(entry.key.lower())
            differ = tuple(sorted(k for k in {*dict(read.fields), *(was or {})} - {"ids"}
                                  if dict(read.fields).get(k) != (was or {}).get(k)))
            if was is not None and differ:
                edited_since.append((entry.key, into[entry.key.lower()], read.origin, differ))
        elif old is None:
            new.append(entry)
        elif bib_mod.same_work(old, entry) or bib_mod.same_work(old, read) or \
                _same_written(old, entry, read.origin in csl, present) or \
                _same_written(old, read, read.origin in csl, present):
            unchanged += 1
        elif replace and old.key == entry.key:
            changed.append(entry)
        elif entry.get("crossref") and bib_mod.same_work(old, _as_child(
                old, entry, read_by_key.get(entry.get("crossref").lower()))):
            unchanged += 1  # only its parent, read with it, said otherwise
        else:
            problems.append(Problem(
                str(path), entry.line, entry.key,
                f"key already in the bibliography for another work (from {old.origin})",
                f"the stored entry is kept: it is the same Zotero item ({entry.uri}), use "
                "--replace to update it" if entry.uri and entry.uri == old.uri else
                "the stored entry is kept: give this one another key, or use --replace to "
                "update the stored entry", "S303", SKIPPED))
    problems.extend(_likely_duplicates(new, known, paths, origins))
    problems.extend(_aliases_taken(new, changed, known, paths, origins))
    refused = [p for p in problems if p.severity == REFUSED or strict and p.severity != NOTE]
    if refused:
        nothing = "nothing was added" + ("" if not strict else
                                         " (--strict: fix every problem, or add without it)")
        raise bib_mod.refusal(refused, nothing)
    made = None
    if new or changed:
        with store.act("bib-add", "bib:" + " ".join(origins), editor=editor,
                       payload={"file": origins[0] if len(origins) == 1 else origins,
                                "added": [e.key for e in new],
                                "updated": [e.key for e in changed]}) as act:
            made = act
            for entry in new:
                act.insert("bib", _row(entry))
            for entry in changed:
                row = _row(entry)
                del row["key"], row["added_at"]
                act.update("bib", {"key": entry.key}, row)
    return BibAdded(tuple(new), tuple(changed), unchanged, tuple(problems),
                    made.decision_id if made is not None else None, tuple(folded),
                    tuple(edited_since))


def _folded_into(folded: dict[str, str], known: Sequence[BibEntry], origins: Sequence[str]
                 ) -> tuple[dict[str, str], set[str]]:
    """The keys ``bib fold`` folded (lower-cased) that a work of one of these files
    (``origins``) had -> the key of the one stored work listing it in its ``ids`` now (a key
    no work or two works list is left out: the editor's own ids name it too; a key another
    file or a source gave is left out too: a .bib's entry under a letter's folded key is a
    work of its own), and the keys of the works a fold kept, whatever it folded into them
    (``folded``: ``Folds.origins``)."""
    if not folded:
        return {}, set()
    holders: dict[str, list[str]] = {}
    for work in known:
        for alias in dict.fromkeys(a.lower() for a in bib_mod.alias_keys(work.get("ids"))):
            if alias in folded:
                holders.setdefault(alias, []).append(work.key)
    return ({alias: keys[0] for alias, keys in holders.items()
             if len(keys) == 1 and folded[alias] in origins},
            {key for keys in holders.values() for key in keys})


def _as_kept(kept: BibEntry, entry: BibEntry, filled: dict[str, str]) -> BibEntry:
    """The entry of a work ``bib fold`` kept as the fold left it: the fields the fold gave
    it (``filled``, as it gave them) where the file gives none of its own, its aliases
    (``ids``) the fold's after its own, so the same file added again is that work unchanged
    and a replace updates it keeping the fold (was: the work, given the folded keys and
    fields, taken for another of its key, S303; replaced, the fold's aliases lost; replaced
    edited, the fold's fields lost, or, the folded entry read with it, taken anew as its file
    says them now, which the fold had not)."""
    fields = {k: v for k, v in entry.fields if k != "ids"}
    for name, value in filled.items():
        fields.setdefault(name, value)
    fields["ids"] = ", ".join(dict.fromkeys([*bib_mod.alias_keys(entry.get("ids")),
                                             *bib_mod.alias_keys(kept.get("ids"))]))
    return replace(entry, fields=tuple(fields.items()))


def _same_written(old: BibEntry, entry: BibEntry, csl: bool, present: set[str]) -> bool:
    """Whether ``entry`` is the stored work ``old`` as the export of its file's kind writes
    each (``csl``: ``export csl``'s item, else ``export bibtex``'s entry in a file of the
    works ``present``, lower-cased keys): what that export
    does not tell apart is no edit, so the file it wrote, added again, is the works already
    there (was: each another work of its key, S303). CSL has no word for a ``year`` read back
    as a ``date``, a ``foreword`` as the collaborator ``editora``, ``--`` in a title as '–';
    the .bib writes biblatex's names for legacy ones (``journal``: ``journaltitle``, an
    @online's ``publisher``: ``organization``), braces a title's acronyms (``{CTAN}``) and
    leaves out a local file's path and a ``crossref`` naming no work."""
    if csl:
        return csl_item(replace(old, key=entry.key)) == csl_item(entry)
    return bib_written(replace(old, key=entry.key), present) == bib_written(entry, present)


def _as_child(old: BibEntry, entry: BibEntry, parent: BibEntry | None) -> BibEntry:
    """A stored child of a parent ``bib fold`` folded, read again: its own fields (those not
    inherited from the work kept, ``parent``) over what the fold left it, so an unedited
    child is unchanged and an edited one updated with the fields it inherited before (``parent``
    as the files give it, else as stored; was:
    the edited folded parent's fields taken, the child 'updated')."""
    if parent is None:
        return entry
    given = bib_mod.inherited(entry.type, parent.type, dict(parent.fields))
    fields = {k: v for k, v in entry.fields if given.get(k) != v}
    for name, value in old.fields:
        fields.setdefault(name, value)
    return replace(entry, fields=tuple(fields.items()))


def _parents_kept(entry: BibEntry, into: dict[str, str]) -> BibEntry:
    """The entry naming, by ``crossref`` or ``xref``, the work a parent was folded into
    (``into``) instead of the parent, as ``bib fold`` left the stored children."""
    fields = _parents_moved(entry, into)
    return replace(entry, fields=tuple(fields.items())) if fields != dict(entry.fields) \
        else entry


def _parents_moved(child: BibEntry, moved: dict[str, str]) -> dict[str, str]:
    """A child's fields with each key its ``crossref``, ``xref``, ``related``, ``xdata`` or
    ``entryset`` (``KEY_FIELDS``) names that is gone
    (``moved``: its key lower-cased -> the key of the work it is now) that work's key, each
    key of an ``xref`` once, none naming the child itself (a child folded into its parent
    gives it its crossref)."""
    fields = dict(child.fields)
    for name in bib_mod.KEY_FIELDS:
        keys = [k.strip() for k in fields.get(name, "").split(",") if k.strip()]
        now = [k for k in dict.fromkeys(moved.get(k.lower(), k) for k in keys)
               if k.lower() != child.key.lower()]
        if now != keys:
            if now:
                fields[name] = ", ".join(now)
            else:
                del fields[name]
    return fields


def _likely_duplicates(new: Sequence[BibEntry], known: Sequence[BibEntry],
                       paths: Sequence[Path], origins: Sequence[str]) -> list[Problem]:
    """A note for each new entry that is likely a work the bibliography has, or that an entry
    before it brings, under another key (the same type, authors, title and year:
    ``work_identity``),
    as Zotero and JabRef flag duplicates: added all the same, the editor says which to cite."""
    first: dict[bib_mod.WorkIdentity, BibEntry] = {}
    for entry in known:
        ident = bib_mod.work_identity(entry)
        if ident is not None:
            first.setdefault(ident, entry)
    notes = []
    for entry in new:
        ident = bib_mod.work_identity(entry)
        twin = first.get(ident) if ident is not None else None
        if ident is not None and twin is None:
            first[ident] = entry
        elif twin is not None:
            notes.append(Problem(
                str(_path_of(entry, paths, origins)), entry.line, entry.key,
                f"likely the same work as '{twin.key}' (from "
                f"{twin.origin}{f':{twin.line}' if twin.line else ''}): the same type, "
                "authors, title and year", "added all the same: make them one with "
                f"'annotator bib fold {twin.key} {entry.key}', cite one of the two keys, or "
                "take the add back with 'annotator undo' and leave one out", "S325", NOTE))
    return notes


def _aliases_taken(new: Sequence[BibEntry], changed: Sequence[BibEntry],
                   known: Sequence[BibEntry], paths: Sequence[Path], origins: Sequence[str]
                   ) -> list[Problem]:
    """A warning for each alias (a key an ``ids`` lists) that, once the files are added, is
    another work's own key, as biber warns ('Citekey alias ... is also a real entry key,
    skipping'): at the entry whose ``ids`` lists it, or at a new entry whose key a stored
    work lists. A citation of that key is the work that has it as its own (``entry``), and
    the .bib exports leave the alias out."""
    adding = [*new, *changed]
    after = {e.key.lower(): e for e in known} | {e.key.lower(): e for e in adding}
    out = []
    for entry in adding:
        for alias in bib_mod.alias_keys(entry.get("ids")):
            holder = after.get(alias.lower())
            if holder is not None and holder.key.lower() != entry.key.lower():
                out.append(_alias_taken(entry, alias, holder, paths, origins))
    here = {e.key.lower() for e in adding}
    listed: dict[str, list[BibEntry]] = {}  # alias -> the stored works listing it, read once
    for work in known:
        if work.key.lower() not in here:
            for alias in dict.fromkeys(a.lower() for a in bib_mod.alias_keys(work.get("ids"))):
                listed.setdefault(alias, []).append(work)
    for entry in new:
        for work in listed.get(entry.key.lower(), ()):
            out.append(_alias_taken(work, entry.key, entry, paths, origins, at=entry))
    order = [str(p) for p in paths]
    return sorted(out, key=lambda p: (order.index(p.path), p.line or 0))  # the files' order


def _alias_taken(lister: BibEntry, alias: str, holder: BibEntry, paths: Sequence[Path],
                 origins: Sequence[str], *, at: BibEntry | None = None) -> Problem:
    """S328 at ``at`` (else ``lister``): ``lister``'s ids list ``alias``, ``holder``'s key."""
    at = at or lister
    what = (f"its key is an alias '{lister.key}' (from {lister.origin}) lists in its ids"
            if at is holder else
            f"its ids list '{alias}', the key of another work ('{holder.key}' from "
            f"{holder.origin}{f':{holder.line}' if holder.line else ''})")
    return Problem(str(_path_of(at, paths, origins)), at.line, at.key,
                   f"{what}: biber skips that alias with a warning, and a citation of "
                   f"'{alias}' is {'this entry' if at is holder else 'that work'}",
                   f"added all the same: take '{alias}' out of the ids of '{lister.key}' (the "
                   f".bib exports leave it out); a citation meant for '{lister.key}' takes its "
                   "own key", "S328")


def _path_of(entry: BibEntry, paths: Sequence[Path], origins: Sequence[str]) -> Path:
    return next((p for p, o in zip(paths, origins) if o == entry.origin), paths[0])


def entries(store: Store, query: str | None = None) -> list[BibEntry]:
    """The stored works sorted by key; ``query`` keeps those whose key or fields contain it
    (case and accents ignored)."""
    found = bib_rows.all_entries(store.conn)
    if query:
        q = bib_mod.ascii_fold(query)
        found = [e for e in found if q in bib_mod.ascii_fold(
            " ".join([e.key, *(v for _, v in e.fields)]))]
    return found


_DOI = re.compile(bib_mod.DOI_PREFIX + r"?(10\.\d{4,9}/\S+)", re.IGNORECASE)
_ADD = "add the work with 'annotator bib add FILE.bib'"


def entry(store: Store, key: str) -> BibEntry:
    """One work by key (its case need not match), by an alias of its key (its ``ids``, as a
    key ``bib fold`` folded into it: biber resolves a citation of one so; ``alias_of`` says
    whether a key was one) or by its DOI (bare, 'doi:...' or 'https://doi.org/...', as
    people copy it from a paper); an unknown key suggests close ones."""
    found = bib_rows.find_entry(store.conn, key)
    if found is not None:
        return found
    holders = _alias_holders(store, key)
    if len(holders) == 1:
        return holders[0]
    if holders:  # biber would take one with a warning; which is meant is the editor's to say
        raise DecisionError(f"'{key}' is an alias (ids) of {len(holders)} works: "
                            f"{', '.join(e.key for e in holders)}",
                            hint="give the citation key of the one you mean",
                            location=store.place, code="D319")
    doi = _doi(key)
    if doi:
        hits = [e for e in bib_rows.all_entries(store.conn)
                if _doi(dict(e.fields).get("doi", "")) == doi]
        if len(hits) == 1:
            return hits[0]
        if hits:  # the work is there, more than once: which one is the editor's to say
            raise DecisionError(f"DOI {doi} is the DOI of {len(hits)} works: "
                                f"{', '.join(e.key for e in hits)}",
                                hint="give the citation key of the one you mean",
                                location=store.place, code="D319")
        raise DecisionError(f"no work with DOI {doi} in the bibliography",
                            hint=f"write an entry with doi = {{{doi}}} in a .bib file and {_ADD}",
                            location=store.place, code="D307")
    named = [*bib_rows.keys(store.conn), *(a for e in bib_rows.with_aliases(store.conn)
                                           for a in bib_mod.alias_keys(e.get("ids")))]
    close = difflib.get_close_matches(key, named, n=3, cutoff=0.5)
    hint = (f"did you mean {', '.join(close)}? else {_ADD}" if close else
            f"see 'annotator bib list', or {_ADD}")
    raise DecisionError(f"no bibliography entry '{key}'", hint=hint,
                        location=store.place, code="D307")


def alias_of(work: BibEntry, key: str) -> bool:
    """Whether ``key`` named ``work`` by an alias of its key (its ``ids``), not its own."""
    return key.lower() != work.key.lower() and key.lower() in {
        a.lower() for a in bib_mod.alias_keys(work.get("ids"))}


def _alias_holders(store: Store, key: str) -> list[BibEntry]:
    """The works whose ``ids`` list ``key``: in its case if any, else in another."""
    found = [(e, bib_mod.alias_keys(e.get("ids"))) for e in bib_rows.with_aliases(store.conn)]
    exact = [e for e, aliases in found if key in aliases]
    return exact or [e for e, aliases in found if key.lower() in {a.lower() for a in aliases}]


def _doi(text: str) -> str:
    """The DOI in a key or a field, lower-cased (DOIs are case-insensitive), else ''."""
    m = _DOI.fullmatch(text.strip())
    return m.group(1).lower() if m else ""


def add_source_works(act: Act, source_id: str, parsed: ParsedSource, *, title: str,
                     date: str = "", edition_of: Callable[[str], str] = lambda _: "",
                     file: str = "") -> tuple[SourceWarning, ...]:
    """Within the act adding a source: the source is a citable work (dated ``date``, the date
    it was written, when its description gives none), and so are the works its TEI lists;
    keep them (once: a work already read from this source keeps its key, and a work its text
    cites that is stored already, by its pointer or its bare title, is that work). A bibl a
    replace reads again under the key its ``xml:id`` gave before is the work the source gave,
    updated as the file says it now (its ``ids`` kept), never a second work.

    A pointer (``#tour``) is an id of the file's edition: it names a stored work read from a
    source of the same edition (``edition_of``: source id -> the edition its header names),
    never a .bib entry or another edition's work that merely has that key.

    Returns a warning (S327, at ``file``'s line) for each work added under a key of its own
    because another work has the key its ``xml:id`` or pointer gives: the editor cites it by
    the key made, which the file does not show. Every stored work is read only when the
    file's text lists or cites works to compare with them; else the source's own and the
    keys taken."""
    own = f"source:{source_id}"
    mine = bib_rows.entries_from(act.conn, own)
    if bib_mod.lists_works(parsed.root):
        stored = bib_rows.all_entries(act.conn)
        taken = [e.key for e in stored]
    else:
        stored, taken = mine, bib_rows.keys(act.conn)
    edition = edition_name(parsed.root)
    same: dict[str, bool] = {}  # source id -> of this edition (each source's header read once)

    def ours(work: BibEntry) -> bool:
        kind, _, other = work.origin.partition(":")
        if work.origin == own:
            return True
        if kind != "source":  # a .bib or CSL file's: a key of the editor's, not the edition's
            return False
        if other not in same:
            try:
                same[other] = edition_of(other) == edition
            except AnnotatorError:  # its file unreadable: not known to be the same edition's
                same[other] = False
        return same[other]

    clashed: list[tuple[BibEntry, str, BibEntry | None]] = []
    renamed: dict[str, str] = {}  # a work's key now -> the key it had, its bibl given an id
    found = bib_mod.tei_entries(parsed.root, source_id=source_id, title=title,
                                taken=taken, date=date, known=stored,
                                ours=ours, clashed=clashed, renamed=renamed)
    added = set()
    kept: dict[str, str] = {}  # a work read again -> the key the source gave it before
    given = {e.key: e for e in mine}
    for work in found:
        if (was := renamed.get(work.key)) is not None:  # keyed by its bibl's id now
            columns = _read_again(act, given[was], work)
            fields = json.loads(columns["fields"])
            fields["ids"] = _aliases(given[was], [], renamed=True)
            _rename(act, was, work.key, {**columns, "fields": json.dumps(
                fields, ensure_ascii=False)})
            continue
        if (old := next((old for old in mine if bib_mod.same_work(work, old, aliases=False)),
                        None)) is not None:
            kept[work.key] = old.key
            continue
        if (before := given.get(work.key)) is not None:
            # its own bibl read again (a replace): the work it gave, as the file says it now
            act.update("bib", {"key": work.key}, _read_again(act, before, work))
            kept[work.key] = work.key
            continue
        act.insert("bib", _row(work))
        added.add(work.key)
    clashes = tuple(_key_clash(source_id, file, *clash, kept=kept.get(clash[0].key, ""))
                    for clash in clashed if clash[0].key in added or clash[0].key in kept)
    return clashes + _beside(source_id, file, [w for w in found if w.key in added],
                             [e for e in mine if e.key not in kept.values()])


def _beside(source_id: str, file: str, added: Sequence[BibEntry],
            left: Sequence[BibEntry]) -> tuple[SourceWarning, ...]:
    """S329: the works a replace added as another volume, part, edition or year of a work
    the source gave before (``left``: those it read no bibl for), said with the works they
    stand beside, whose claims keep citing them (was: not a word, the claim citing vol. 1
    while the file lists vol. 2)."""
    pairs = [(work.key, first) for work in added
             if (first := bib_mod.beside(work, left))]
    if not pairs:
        return ()
    many = len(pairs) != 1
    return (SourceWarning(
        source_id, file,
        f"{len(pairs)} work{'s' * many} added beside "
        f"{', '.join(dict.fromkeys(first for _, first in pairs))} (another volume/part: "
        f"{', '.join(key for key, _ in pairs)})",
        hint="claims keep citing the first: link a claim to the new work where it cites "
             "that one", code="S329"),)


def _key_clash(source_id: str, file: str, work: BibEntry, wanted: str,
               holder: BibEntry | None, *, kept: str = "") -> SourceWarning:
    """S327: a bibl of the source added under a key of its own, or, read again, left under
    the key the source gave it before (``kept``), the key it gives being another work's (was:
    said only when added, so an id given since that was another work's key went unsaid)."""
    whose = (f"the key of '{bib_mod.plain(holder.get('title'))}' from {holder.origin}"
             if holder is not None else "another work's of this file")
    done = f"left under its key '{kept}'" if kept else f"added under the key '{work.key}'"
    return SourceWarning(
        source_id, f"{file}:{work.line}" if work.line else file,
        f"bibl '{bib_mod.plain(work.get('title'))}': its key '{wanted}' is {whose}; {done}",
        hint=f"cite it as '{kept or work.key}'", code="S327")


@dataclass(frozen=True, slots=True)
class Folded:
    """Works of an edition's text folded into one: the key kept, the keys folded into it
    (their links now the kept work's), why they are one work, and the decision that folded
    them (one act for every fold of a run, which ``undo`` takes by id; None for a dry run);
    ``was``: the kept work's key before, when the fold gave it the key its pointer names
    (journeylondon, now bi0032), '' when it keeps its own."""

    kept: str
    folded: tuple[str, ...]
    why: str
    decision: int | None = None
    was: str = ""


def fold_works(store: Store, *, editor: str, parsed: Callable[[str], ParsedSource],
               edition_of: Callable[[str], str], dry_run: bool = False,
               keys: Sequence[str] = (), force: bool = False) -> list[Folded]:
    """Fold the works a store made more than once for one work its sources' text cites, as a
    release before 0.39 did (a work per citation: journeylondon, journeylondona,
    journeylondonb for three ``<title ref="bi0032">``; an article every letter of an edition
    cites, one work per letter), into the first added: one act, which ``undo`` takes back.

    Folded only where it is sure, as adding the sources now reads them: works read from the
    text (never a source's own record) of sources of one edition (``edition_of``) whose
    bibls, read again at the stored line (``parsed``), point to the same work, or, with no
    pointer, say the same (``cited_text``). A source whose file cannot be read is left as it
    is. The links to a folded work go to the kept one (a link it has already, the same claim,
    relation, locus and status, is not made twice); fields the kept work lacks are taken from
    the folded ones, as a work cited twice in one file keeps what each citation adds.

    ``keys``: the editor's own fold, the works under the second key and after folded into
    the first's, whatever they say (two works the files cannot prove one: other titles, no
    shared pointer), the same way; not a source's own record (D323) unless ``force``.

    A kept work whose bibls point to an id (``<title ref="bi0032">``, ``<bibl
    xml:id="nek97">``) that is no work's key nor alias gets it as its key, as adding the
    source now keys it, its old key an alias (``ids``) with the folded ones, so a claim link,
    a document or an export citing the old key still finds it; a work stored once so is
    renamed alone (nothing folded). Else a later letter citing ``bi0032`` added a work of
    that key beside it."""
    folds = [_by_hand(store, keys, parsed, force=force)] if keys else _found_twice(store, parsed, edition_of)
    out = [Folded(key, tuple(w.key for w in rest), why,
                  was=kept.key if key != kept.key else "") for kept, rest, why, key in folds]
    if dry_run or not folds:
        return out
    with store.act("bib-fold", "bib:" + " ".join(f.kept for f in out), editor=editor,
                   payload={"folded": {f.kept: list(f.folded) for f in out},
                            "renamed": {f.kept: f.was for f in out if f.was}}) as act:
        made = act
        moved: dict[str, str] = {}  # a folded key (lower-case) -> the key kept
        for kept, rest, _, key in folds:
            moved.update((w.key.lower(), key) for w in rest)
            fields = dict(kept.fields)
            if key != kept.key:  # named as its pointer names it, its links with it
                _rename(act, kept.key, key)
            has = {_link_said(o) for o in bib_rows.links_to(act.conn, key)}
            for work in rest:
                for name, value in work.fields:
                    fields.setdefault(name, value)
                for link in bib_rows.links_to(act.conn, work.key):
                    if _link_said(link) in has:
                        act.delete("links", {"id": link["id"]})
                    else:
                        act.update("links", {"id": link["id"]}, {"bib_key": key})
                        has.add(_link_said(link))
                act.delete("bib", {"key": work.key})
            fields["ids"] = _aliases(kept, rest, renamed=key != kept.key)
            if fields != dict(kept.fields):
                act.update("bib", {"key": key},
                           {"fields": json.dumps(fields, ensure_ascii=False)})
        _repoint(act, moved)
    return [replace(f, decision=made.decision_id) for f in out]


def _repoint(act: Act, moved: dict[str, str]) -> None:
    """Every work whose ``crossref``, ``xref``, ``related``, ``xdata`` or ``entryset`` names
    a key that is gone (``moved``: its key
    lower-cased -> the key of the work it is now) names that work's key: a child of a folded
    or renamed parent inherits from it still, in the store and every export (an alias in
    ``ids`` is no parent for biber or BibTeX: the .bib exports left the crossref out and the
    child's parent with it; BibTeX and pandoc read no ``ids`` at all), as ``_parents_moved``
    says."""
    if not moved:
        return
    for child in bib_rows.naming_parents(act.conn):
        fields = _parents_moved(child, moved)
        if fields != dict(child.fields):
            act.update("bib", {"key": child.key},
                       {"fields": json.dumps(fields, ensure_ascii=False)})


def _rename(act: Act, old: str, new: str, columns: dict[str, Any] | None = None) -> None:
    """The work under ``old`` under ``new`` (its row, with ``columns`` changed), every link
    to it with it: the key a source's bibls give it, once free (the caller keeps ``old`` an
    alias in its ``ids``, so what cites it still finds it)."""
    act.insert("bib", {**dict(bib_rows.bib_row(act.conn, old) or {}), **(columns or {}),
                       "key": new})
    for link in bib_rows.links_to(act.conn, old):
        act.update("links", {"id": link["id"]}, {"bib_key": new})
    act.delete("bib", {"key": old})
    _repoint(act, {old.lower(): new})


Fold = tuple[BibEntry, list[BibEntry], str, str]  # kept, folded into it, why, the key kept


def _by_hand(store: Store, keys: Sequence[str], parsed: Callable[[str], ParsedSource], *,
             force: bool = False) -> Fold:
    """The fold an editor names: the work kept (the first key's) and those folded into it,
    each key its own or an alias (``entry``). Refused (D322) for fewer than two works or a
    work named twice (a key repeated, or a key and its alias: was, a repeat beside two works
    was passed over and one beside one work refused), and, unless ``force``, (D323) where one
    is a source's own record (``_own_record``): the letter is not the work it cites, and
    folding took its date into that work and left it no entry of its own."""
    given = [entry(store, k) for k in keys]
    works = list({w.key: w for w in given}.values())
    seen: dict[str, str] = {}  # work key -> the key given for it first
    for work, key in zip(given, keys):
        if work.key not in seen:
            seen[work.key] = key
            continue
        twice = f"'{key}' is given twice" if seen[work.key] == key else \
            f"'{seen[work.key]}' and '{key}' name one work, '{work.key}'"
        raise DecisionError(
            f"cannot fold '{work.key}' into itself ({twice})",
            hint="give the key of the work to keep, then the keys of the other works to fold "
                 "into it, each once: 'annotator bib fold KEPT OTHER...'",
            location=store.place, code="D322")
    if len(works) < 2:
        raise DecisionError(
            f"cannot fold '{works[0].key}' into itself (one key given)",
            hint="give the key of the work to keep, then the keys of the works to fold into "
                 "it: 'annotator bib fold KEPT OTHER...'", location=store.place, code="D322")
    own = next((w for w in works if _own_record(w, parsed)), None) if not force else None
    if own is not None:
        other = works[1] if own is works[0] else works[0]
        raise DecisionError(
            f"'{own.key}' is the record of source '{own.origin.partition(':')[2]}' itself, "
            f"not a work it cites: folding it with '{other.key}' would make them one work "
            "(fields of one taken into the other, one entry left of the two)",
            hint="fold only works the sources cite; if they truly are one work, add --force",
            location=store.place, code="D323")
    return works[0], works[1:], "by hand", works[0].key


def _own_record(work: BibEntry, parsed: Callable[[str], ParsedSource]) -> bool:
    """Whether ``work`` is a TEI source's own record (read from its header, before its
    ``<text>``), not a work its text cites; False where its file cannot be read."""
    if not work.origin.startswith("source:") or work.line is None:
        return False
    try:
        start, _ = bib_mod.text_pointers(parsed(work.origin.partition(":")[2]).root)
    except AnnotatorError:
        return False
    return start is not None and work.line < start


def _found_twice(store: Store, parsed: Callable[[str], ParsedSource],
                 edition_of: Callable[[str], str]) -> list[Fold]:
    """The folds the files prove, by kept key: (the work kept, those folded into it, why, the
    key it is kept under: its pointer's where that is free, else its own)."""
    stored = bib_rows.all_entries(store.conn)
    works = [w for w in stored if w.origin.startswith("source:")]
    free = _free_key(stored)
    read: dict[str, tuple[int | None, dict[tuple[int | None, str], str], str,
                          dict[str, set[str]]] | None] = {}
    groups: dict[tuple[Any, ...], list[tuple[BibEntry, str]]] = {}
    for work in works:
        sid = work.origin.partition(":")[2]
        if sid not in read:
            try:
                start, pointers = bib_mod.text_pointers(parsed(sid).root)
                titled: dict[str, set[str]] = {}  # folded title -> the keys its bibls give
                for (_, said), names in pointers.items():
                    titled.setdefault(said, set()).add(names)
                read[sid] = (start, pointers, edition_of(sid), titled)
            except AnnotatorError:  # its file unreadable: nothing of it is sure
                read[sid] = None
        seen = read[sid]
        if seen is None or seen[0] is None or work.line is None or work.line < seen[0]:
            continue  # the source's own record, or nothing known of where it was read
        start, pointers, edition, titled = seen
        title = bib_mod.ascii_fold(bib_mod.cleaned(bib_mod.plain(work.get("title"))))
        key = pointers.get((work.line, title))
        if key is None and len(titled.get(title, ())) == 1:
            # moved in the file (a replace leaves a work it reads alike where it was): every
            # bibl of its title says one key
            (key,) = titled[title]
        if key is None:
            continue  # no bibl of the text with its title at its line, or two ways: unsure
        group = (edition, "pointer", key.lower()) if key else \
            (edition, "text", bib_mod.cited_text(work))
        groups.setdefault(group, []).append((work, key))
    folds: list[Fold] = []
    for (_, how, _), members in groups.items():
        pointer = members[0][1]
        ordered = sorted((w for w, _ in members),
                         key=lambda w: (_added(store, w.key), w.line or 0, w.key))
        # the work its pointer keys already is the one kept; else the first, renamed so
        # where the key is free, a work of its own
        ordered.sort(key=lambda w: w.key.lower() != pointer.lower())
        kept = ordered[0]
        key = kept.key if how != "pointer" or kept.key.lower() == pointer.lower() else \
            free(pointer) or kept.key
        if len(ordered) > 1 or key != kept.key:
            folds.append((kept, ordered[1:], f"one pointer, {pointer}" if how == "pointer"
                          else "the same citation", key))
    return sorted(folds, key=lambda f: f[3])


def _free_key(stored: Sequence[BibEntry]) -> Callable[[str], str]:
    """A pointer's key (``pointer_key``), '' where it is no key or another work's own key or
    alias, or given to a work of another edition's fold already: one work per key."""
    taken = {k.lower() for w in stored for k in (w.key, *bib_mod.alias_keys(w.get("ids")))}

    def free(pointer: str) -> str:
        key = bib_mod.pointer_key(pointer)
        if not key or key.lower() in taken:
            return ""
        taken.add(key.lower())
        return key

    return free


def _link_said(link: Any) -> tuple[Any, ...]:
    """What a link says (its claim, relation, locus and status): one the kept work has
    already is not made twice by a fold."""
    return (link["claim_id"], link["rel"], link["locus"], link["status"])


def _aliases(kept: BibEntry, rest: Sequence[BibEntry], *, renamed: bool = False) -> str:
    """The kept work's ``ids`` once others are folded into it: biblatex's aliases of its key,
    so a document that cites a folded key (``\\cite{journeylondona}``, written against an
    earlier export) still finds the work with biber; its own aliases and theirs first, then
    its own key before (``renamed``: kept under its pointer's), then theirs."""
    keys = [k for w in (kept, *rest) for k in bib_mod.alias_keys(w.get("ids"))]
    return ", ".join(dict.fromkeys([*keys, *([kept.key] if renamed else []),
                                    *(w.key for w in rest)]))


def _added(store: Store, key: str) -> str:
    row = bib_rows.bib_row(store.conn, key)
    return str(row["added_at"]) if row is not None else ""


def _read_again(act: Act, before: BibEntry, work: BibEntry) -> dict[str, Any]:
    """The columns of a source's work its file, replaced, says anew: its type, fields and
    line; the ``ids`` a ``bib fold`` gave it kept, as the file never says them, and so the
    fields the fold gave it where the file gives none of its own (``_as_kept``; was: lost)."""
    fields = dict(work.fields)
    if before.get("ids"):  # only a work a fold kept (or a bibl keyed anew) has aliases
        for name, value in bib_rows.fold_filled(act.conn).get(before.key.lower(), {}).items():
            fields.setdefault(name, value)
        fields["ids"] = before.get("ids")
    return {"type": work.type, "fields": json.dumps(fields, ensure_ascii=False),
            "line": work.line}


def _row(entry: BibEntry) -> dict[str, Any]:
    return {"key": entry.key, "type": entry.type,
            "fields": json.dumps(dict(entry.fields), ensure_ascii=False),
            "origin": entry.origin, "line": entry.line, "uri": entry.uri, "added_at": now()}


