"""Errors an editor can act on.

Our exception hierarchy:

* AnnotatorError  - anything the user can fix; the CLI prints it on one line, exit status 2
  + SourceError   - a source file is missing, unreadable, not well-formed or not TEI
  + StoreError    - the workspace or its store cannot be used (not found, busy, too new)
  + ModelError    - a spaCy pipeline cannot be loaded
  + ExportError   - an export cannot be written
  + ConfigError   - annotator.toml or an option is wrong
  + DecisionError - an editor act refers to something that does not exist or changed
  + ServerError   - the review desk cannot listen where asked, or a page was out of date

* Interrupted     - a KeyboardInterrupt: a long run stopped by Ctrl-C, what it finished kept
                    whole (not an AnnotatorError: ``except Exception`` lets it through)

Every error carries a stable code (tests assert the code, not the wording) and, where known, a
Location so the message starts with ``file:line:col:``. ``CATALOGUE`` lists every code with its
class, what is wrong and what to do, as spaCy's ``Errors`` does; ``docs/errors.md`` is made from
it (``python tests/test_errors.py --write``) and a test keeps code, catalogue and page in step.

DOCS: docs/errors.md
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file, and a line and column (1-based) when known."""

    path: str | Path
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class AnnotatorError(Exception):
    """Root of every error a user can fix. ``str(err)`` is the one line the CLI prints."""

    code = "A000"
    # lines printed before the message when one error stands for several problems
    details: tuple[str, ...] = ()

    def __init__(self, message: str, *, hint: str = "", location: Location | None = None,
                 code: str | None = None) -> None:
        self.message = message
        self.hint = hint
        self.location = location
        if code is not None:
            self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text}; {self.hint}"
        if self.location is not None:
            text = f"{self.location}: {text}"
        # one line, whatever a parser's message or a file name holds
        return f"{' '.join(text.splitlines())} [{self.code}]"


class SourceError(AnnotatorError):
    code = "S000"


class StoreError(AnnotatorError):
    code = "W000"


class ModelError(AnnotatorError):
    code = "M000"


class ExportError(AnnotatorError):
    code = "E000"


class ConfigError(AnnotatorError):
    code = "C000"


class DecisionError(AnnotatorError):
    code = "D000"


class ServerError(AnnotatorError):
    code = "W100"


class Interrupted(KeyboardInterrupt):
    """A long run (add, propose, export, train...) stopped by Ctrl-C (SIGINT): the items it
    finished are kept whole, and ``done`` holds them as the run returns its result (of that
    part: the sources added, the files written); the item under way is as it was before
    (``annotator.interrupt``). ``str(err)`` says what was done and what not, and how to go on:
    ``interrupted: 22 of 33 sources added; run the same command again to add the rest``.
    The CLI prints the lines of ``done``, that line (the command first, code I001) and exits
    130, the shell's status for SIGINT."""

    code = "I001"

    def __init__(self, message: str, *, hint: str, done: Any = None) -> None:
        self.message = message
        self.hint = hint
        self.done = done
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"interrupted: {self.message}; {self.hint}"


class Code(NamedTuple):
    """One entry of the catalogue: the class that carries the code, the message's shape (``…``
    where the message names the thing) and what the editor can do."""

    cls: type[AnnotatorError] | type[Interrupted]
    what: str
    todo: str


# The sections of docs/errors.md: (code letter and first digit, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ('C', 'ConfigError: annotator.toml and options'),
    ('D', 'DecisionError: editor acts (D0xx entities and mentions, D3xx claims and links)'),
    ('E', 'ExportError: exports and validation'),
    ('I', 'Interrupted: a long command stopped by Ctrl-C (exit status 130)'),
    ('M', 'ModelError: spaCy pipelines'),
    ('S', 'SourceError: files given to annotator (S0xx sources, S1xx gold files, S2xx register and decisions files, S3xx .bib files)'),
    ('W', 'StoreError / ServerError: the workspace, its store, the review desk (W1xx)'),
)

SEE_HISTORY = "see 'annotator history'"
"""Where a refusal sends the editor for the decisions log, as the CLI says it; a page of the
browser says the History page instead (server ``Desk.fail``)."""

CATALOGUE: dict[str, Code] = {k: Code(*v) for k, v in {
    "C001": (ConfigError, 'not valid TOML (…) / not UTF-8 (as TOML must be)',
              'fix annotator.toml'),
    "C002": (ConfigError, "unknown setting '…'",
              'use one of …'),
    "C003": (ConfigError, "unknown convention '…' / convention … = '…'",
              'use one of the conventions and values `annotator conventions` lists, in [annotator.conventions]'),
    "C004": (ConfigError, "setting '…' is …, not …",
              'write … = … under [annotator]'),
    "C005": (ConfigError, "the editor's name is empty / is only spaces / holds the control character "
                          "(or format character, line separator, noncharacter) U+… (a format "
                          "character with its Unicode name: U+202E RIGHT-TO-LEFT OVERRIDE; the file's "
                          "line named when it is annotator.toml's; a name is kept stripped and "
                          "NFC-normalised)",
              'give a name of printable characters (--editor, editor = "…" under [annotator], '
              'ANNOTATOR_EDITOR)'),
    "C010": (ConfigError, '--folds … needs at least … sources with confirmed mentions; this '
                          'workspace has …',
              'give a smaller --folds (at least 2) or confirm more sources'),
    "C011": (ConfigError, "unknown method '…' (or type) for eval --folds",
              'choose from …'),
    "C020": (ConfigError, "the command line is not what the command takes: missing argument "
                          "'…', no such option … (with a close one, else the options the command "
                          "takes), invalid value for '…' (said as '<command>: …')",
              "see '<command> -h'"),
    "C021": (ConfigError, "argument '…' is not UTF-8",
              'give names, paths and values in UTF-8 (the store keeps them so)'),
    "C022": (ConfigError, 'the full-screen review needs a terminal, and standard input (or '
                          'output) is not one',
              "list the queue with 'annotator review --list' (--format json for scripts) or "
              "'annotator entities --status proposed', and decide with 'annotator "
              "confirm|reject ID'"),
    "D001": (DecisionError, 'empty target / nothing to … (no target given)',
              'give an entity id or mention:<id>'),
    "D002": (DecisionError, "'…' is not a mention id",
              'write mention:<number>'),
    "D003": (DecisionError, "'…' is not a type",
              'use …'),
    "D004": (DecisionError, "unknown authority '…' (a scheme annotator does not check ids of)",
              'use one of …'),
    "D005": (DecisionError, 'mention … belongs to an older version of … (its file was '
                            'replaced since)',
              "it was only proposed there, and is kept as it was; propose the text now "
              "('annotator propose …') or mark the words again ('annotator mention add … START "
              "END TYPE') / it is kept as it was decided there; mark the words again on the text "
              "now ('annotator mention add … START END TYPE')"),
    "D006": (DecisionError, 'another mention of that type is there already: mention … cannot '
                            'become a …: mention … is already a … at that span (relabel) / '
                            'mention … already covers …:… (adjust)',
              'reject mention:… instead (or confirm the one there)'),
    "D007": (DecisionError, 'nothing to undo / nothing to undo (undo refused): decision … (… …) '
                            'cannot be undone: … changed since by decision … (replace source:…) '
                            "/ decision … (add or replace source:…), newer than the act it "
                            "would take, cannot be undone: adding a source / a source's "
                            'replacement is not undone',
              "see 'annotator history' / a source's replacement cannot be undone; decide again "
              "instead / the hint of D009; the newest that can be undone is decision … (… …): "
              "'annotator undo …' takes it back"),
    "D008": (DecisionError, 'the decision is no longer as it left the store: decision … is '
                            'already undone (by …) / cannot be undone: … changed since by '
                            'decision … (or a replacement)',
              "see 'annotator history'; undo the later decision first, or decide again"),
    "D009": (DecisionError, "decision … (add source:…) cannot be undone: adding a source is not "
                            "undone / decision … (replace source:…) cannot be undone: a source's "
                            "replacement is not undone",
              "take the source out with 'annotator source remove …', or change its file with "
              "'annotator add --replace FILE' / write the earlier file with 'annotator source "
              "versions … --write N -o FOLDER/' and add it again with 'annotator add --replace "
              "FILE' to go back to it, or take the source out with 'annotator source remove …'"),
    "D010": (DecisionError, '… changed since you loaded it',
              'reload and try again'),
    "D011": (DecisionError, 'merge takes two entity ids (a mention was given)',
              'give entity ids, not mentions'),
    "D012": (DecisionError, "no mentions to split off / mention … is not a mention of … "
                            "(split takes the entity's own mentions) / split would take "
                            "every mention of … off it, leaving it empty",
              "give mention ids of that entity, not all of them ('annotator prefer … NAME' "
              "renames it, 'annotator merge … OTHER' moves them)"),
    "D013": (DecisionError, "a date value is malformed: not JSON / not an object / unknown date "
                            "attribute '…' / '…' is not a TEI date / from … is after to … / no "
                            "value given / a source's date '…' is not a date / mention … has "
                            "no value to flag julian / mention … has no value to say how "
                            "certain it is",
              'give {"when": "1940-11-12"} (--when, --from/--to, --not-before/--not-after; '
              '--julian/--gregorian for the Old Style flag, --cert for its certainty)'),
    "D014": (DecisionError, 'dates are not entities (a date mention given an entity)',
              'drop the entity'),
    "D015": (DecisionError, 'no decision …',
              "see 'annotator history'"),
    "D016": (DecisionError, 'empty name',
              'give the preferred name'),
    "D018": (DecisionError, 'the text holds the control character (DEL and C1 included) / noncharacter / lone surrogate U+…',
              'remove it (TEI cannot hold it or discourages it) and try again'),
    "D019": (DecisionError, "… has no mentions in …",
              "its mentions are in …"),
    "D020": (DecisionError, "unknown … '…': a value to list or check by (a type, status, "
                            "state or kind) outside its closed set",
              'use one of …'),
    "D021": (DecisionError, "no entity '…'",
              "list them with 'annotator entities' (an id it lists: person-…, place-…, org-…)"),
    "D022": (DecisionError, "…:… of …'s reading text is not inside the reading text (0:…) / "
                            "is reversed (its start after its end: did you mean …:…?) / holds "
                            "no word (a mention's span, widened to whole words)",
              'give start < end inside the text, covering a word'),
    "D023": (DecisionError, "no proposed date of '…' has a (certain) value",
              "nothing to confirm; list them with 'annotator dates list …'"),
    "D024": (DecisionError, 'cannot merge … into itself',
              'give two different entities'),
    "D025": (DecisionError, '… and … have different … ids (…, …): merge refused',
              "they may be different entities; or remove one id with 'annotator link … SCHEME \"\"' first"),
    "D026": (DecisionError, 'mention … is a …, not a date / a … mention takes no date value: '
                            'a date value given to a mention that is not a date',
              "relabel it first: 'annotator relabel mention:… date' (or drop the value)"),
    "D027": (DecisionError, '… is a …, not a … (a mention pointed to an entity of another type)',
              'add it as that type, or pick another entity'),
    "D028": (DecisionError, 'no mention … (the id names no mention)',
              "list them with 'annotator mentions [SOURCE]'"),
    "D029": (DecisionError, '… is no day of the calendar (February … has 28 days, there is no '
                            'month …) / … is no date of the calendar (there is no year 0 …) / '
                            "mention …: its words' day … is no Gregorian day (…), so they are "
                            'Old Style; the julian flag stays',
              'fix the value: a day that exists (proleptic Gregorian)'),
    "D030": (DecisionError, "'…' is not a … id (an authority id, or its URL, not of the "
                            "scheme's shape)",
              "give … (the scheme's shape, e.g. a Wikidata item id such as Q352)"),
    "D031": (DecisionError, 'mention … already has when=…, set by the editor / is already '
                            'confirmed and flagged julian; nothing changed',
              'give another value, or leave it (nothing was logged)'),
    "D032": (DecisionError, '… is a … and … is a …: entities of different types are not merged '
                            '(the mentions would change type)',
              "if they are one, relabel one first ('annotator relabel … …' or 'annotator "
              "relabel … …'), then merge the id it prints"),
    "D033": (DecisionError, "… is proposed, not a known entity: its mentions are decided with "
                            "it / … has no proposed mentions to decide (confirm-proposed, "
                            "reject-proposed)",
              "decide the entity itself ('annotator confirm …') / its mentions are decided"),
    "D034": (DecisionError, "the … mention …:… of … \"…\" crosses a block break (a paragraph, "
                            "heading or list item ends inside it): a name or date stands within "
                            "one block",
              'select (or give offsets of) the words within one block'),
    "D035": (DecisionError, "… takes an entity id, not a mention: mention … is of … (or of no "
                            "entity)",
              "give its entity id: annotator link person-… wikidata Q…"),
    "D036": (DecisionError, 'nothing to redo (no undo that is not undone)',
              "see 'annotator history'"),
    "D037": (DecisionError, "'…' is not a certainty",
              'give --cert low, medium or high'),
    "D301": (DecisionError, "the words '…' are not in the reading text of '…' (a quotation: "
                            "--quote of claim add, mention add, adjust, claim link)",
              "copy them as 'annotator text SOURCE' shows them (--find part of them), or give "
              "offsets"),
    "D302": (DecisionError, "the words '…' occur … times in the reading text of '…': 1 at "
                            "…:… (¶ …, line …), 2 at … (the first 10, the rest counted)",
              'choose one with --nth N (1 to …), or quote more of the text so it occurs once'),
    "D303": (DecisionError, 'give either a span or a quotation (both or neither given) / nth '
                            "picks one occurrence of a quotation's words: a span has none",
              'use --span START:END or --quote TEXT / use --quote TEXT with --nth N, or drop '
              '--nth'),
    "D304": (DecisionError, 'claim … already covers …:…',
              "link it with 'annotator claim link … KEY'"),
    "D305": (DecisionError, "unknown claim kind '…'",
              'use one of …'),
    "D306": (DecisionError, 'no claim … (the id names no claim)',
              "see 'annotator claims' for claim ids"),
    "D307": (DecisionError, "no bibliography entry '…' / no work with DOI … in the bibliography",
              "the nearest keys, or 'annotator bib add' a .bib file holding it"),
    "D308": (DecisionError, "unknown relation '…' (of a support link)",
              'use one of …'),
    "D309": (DecisionError, 'claim … is already linked to … (link …)',
              "nothing to do; 'annotator claim unlink' removes a link"),
    "D310": (DecisionError, 'claim … is stale (its source changed)',
              "mark the claim again on the text now ('annotator claim add … --span START:END "
              "--again …'): its links go to the new claim and this one is set aside"),
    "D311": (DecisionError, 'no link …',
              "see the links of a claim with 'annotator claims --format json'"),
    "D312": (DecisionError, 'decision … cannot be undone: other rows still refer to what it added',
              'undo or remove those first (e.g. unlink the claims linked to the work)'),
    "D313": (DecisionError, '… is rejected / … is a …, not a person or an organisation (as a '
                          "claim's agent)",
              "give a person's or organisation's id from 'annotator entities', or the agent's "
              'name in words'),
    "D314": (DecisionError, "locus '…' names no place: a label without a number / has a "
                          'range that runs backwards (…)',
              "give where in the work, e.g. 'p. 12', 'pp. 12-14', 'chap. 3', or no locus"),
    "D315": (DecisionError, 'no claims given / no links given (nothing to act on)',
              "give claim ids (see 'annotator claims') or link ids (see 'annotator claims -f json')"),
    "D316": (DecisionError, 'give either a bibliography key or a passage (a link needs one target) / '
                            'give a passage by its offsets (source, start, end), or by its source '
                            'and a quotation of its words (the library given a quotation without '
                            'its source, or a source without one) / nth picks one occurrence '
                            "of a quotation's words: a passage given by its offsets has none",
              'use KEY, or --passage SOURCE:START:END / use --passage SOURCE:START:END, or '
              '--passage SOURCE --quote WORDS / give the passage by its source and --quote '
              'WORDS with --nth N, or drop --nth'),
    "D317": (DecisionError, 'a claim cannot be supported by its own words (the passage overlaps the claim)',
              "give a passage elsewhere, or a work's key"),
    "D318": (DecisionError, "span …:… of '…' is not inside the reading text (0:…) / is "
                          "reversed (… did you mean …:…?) / holds no words (once widened to "
                          "whole words): a claim's span or a link's passage",
              'give START < END within that reading text'),
    "D319": (DecisionError, 'DOI … is the DOI of … works: … (a work named by a DOI more than '
                            "one entry holds) / '…' is an alias (ids) of … works: …",
              'give the citation key of the one you mean'),
    "D320": (DecisionError, "claim … is not a stale claim of '…' (it is …) (marking a stale "
                            'claim again)',
              "give --again the id of a stale claim of that source ('annotator claims --state "
              "stale'), or leave it out"),
    "D321": (DecisionError, "--nth …, but the words '…' occur … times in the reading text of "
                            "'…': 1 at …:… (¶ …, line …), ...",
              'give --nth 1 to …'),
    "D322": (DecisionError, "cannot fold '…' into itself ('…' is given twice / '…' and '…' "
                            "name one work, '…' / one key given)",
              "give the key of the work to keep, then the keys of the other works to fold into "
              "it, each once: 'annotator bib fold KEPT OTHER...'"),
    "D323": (DecisionError, "'…' is the record of source '…' itself, not a work it cites: "
                            "folding it with '…' would make them one work (fields of one taken "
                            "into the other, one entry left of the two)",
              'fold only works the sources cite; if they truly are one work, add --force'),
    "E001": (ExportError, 'cannot write the export (folder not writable); the earlier export is intact',
              'make the folder writable or export elsewhere'),
    "E002": (ExportError, 'disk full while writing the export; the earlier export is intact',
              'free some space and export again'),
    "E010": (SourceError, 'no schema to validate against (schemas/tei_all.rng is not beside '
                          'this installation)',
              'give one with --schema, or install annotator from its repository (pip install -e .)'),
    "E011": (SourceError, 'schema not found',
              'give the path of a RELAX NG .rng file'),
    "E012": (SourceError, 'not a usable RELAX NG schema (…)',
              'give the XML syntax .rng (not .rnc) of the schema'),
    "E020": (ConfigError, "no claim table format '…'",
              'use one of …'),
    "E021": (ExportError, 'TEI is written as one file per source, not to standard output',
              'give a folder with -o, or leave -o out for exports/'),
    "E023": (ExportError, "no register mode '…'",
              'use one of inline, file, none'),
    "I001": (Interrupted, "interrupted: what the command had finished and what not (22 of 33 "
                          "sources added, claims proposed in 3 of 12 sources, no TEI file "
                          "written, training stopped after epoch 4 of 20; said as '<command>: "
                          "…'); what it finished is kept whole, the item it was at left as "
                          "before, the lines of the finished work printed above",
              'run the same command again to do the rest (the line says what that is)'),
    "M001": (ModelError, "spaCy pipeline '…' is not installed",
              "install it with 'pip install …' or give an installed one with --model (or 'model' in annotator.toml); nothing is ever downloaded"),
    "M002": (ModelError, "spaCy pipeline '…' has no 'ner' component",
              'choose a pipeline that recognises entities with --model'),
    "M003": (ConfigError, "label … maps to unknown type '…'",
              'use one of …, title or "" in [annotator.labels] of annotator.toml'),
    "M004": (ModelError, "cannot load spaCy pipeline '…' (…): it is installed but spaCy "
                         "cannot read it",
              'reinstall it or choose another with --model'),
    "M010": (ModelError, 'nothing to train on: no confirmed mention in any source',
              'confirm proposals (or add sources with their own markup) first'),
    "M011": (ModelError, "no kept model '…' / '…' begins N kept models' ids (choosing the "
                         "model propose uses)",
              "give one of … ('annotator train --list'), or base"),
    "M012": (ModelError, "model … was trained from …, not from … ('model' in annotator.toml)",
              "set model to the pipeline it was trained from, or choose another with "
              "'annotator train --list'"),
    "S001": (SourceError, 'file not found',
              'check the path'),
    "S002": (SourceError, 'is a directory, not a file',
              'give the files inside it'),
    "S003": (SourceError, 'file is empty / has no text (only whitespace)',
              'add a file with text in it'),
    "S004": (SourceError, 'file is … MiB, over the limit of … MiB',
              'split it, or raise max_source_mib in annotator.toml'),
    "S005": (SourceError, 'XML is not well-formed: …',
              'fix the markup at the place named, then run the command again'),
    "S006": (SourceError, 'document declares a DTD internal subset (entity declarations are not accepted, for safety)',
              'remove the <!DOCTYPE [...]> block and use character references'),
    "S007": (SourceError, 'root element is <…>, not TEI <TEI xmlns="…">',
              'add a TEI file, or a .txt/.md file to encode as TEI'),
    "S008": (SourceError, 'TEI document has no <text> element',
              'add <text><body>...</body></text>'),
    "S009": (SourceError, 'byte 0x… is not UTF-8 (or bytes … are not the encoding the file names)',
              'save the file as UTF-8 (or in the encoding it names, throughout)'),
    "S010": (SourceError, 'cannot read file (…)',
              'check its permissions'),
    "S011": (SourceError, 'the XML declaration names an encoding the file is not written in '
                          '(its byte-order mark or first bytes say another)',
              'name the encoding it is in, or save the file in the one it names'),
    "S012": (SourceError, "cannot add a '…' file",
              'give a TEI .xml, a .txt or a .md file'),
    "S013": (SourceError, "source '…' already exists with other content",
              'use --replace to replace it (decisions that still match are kept)'),
    "S014": (SourceError, '… already exists and is not this file',
              'rename the file or remove the old one'),
    "S015": (SourceError, "no source '…' (an id given to a command, an act, a decisions file's "
                          "line or a page names no source of the workspace)",
              "known sources: …, or in a large edition the closest ids and the count"),
    "S016": (SourceError, 'file changed since it was added',
              "run 'annotator add --replace …' to take the edit, or restore the file as it was "
              "added: 'annotator source versions … --write … -o -' prints it, to compare; remove "
              "… first, then the same with '-o …' writes it back (as a warning: until then "
              "'export', 'propose', 'claims propose', 'claim add', 'mention add' and 'reject' "
              "refuse it, and 'claims', 'claim show', 'check', 'mentions', 'dates' and 'text' "
              "read it as the store keeps it)"),
    "S017": (SourceError, 'control character / noncharacter / lone surrogate U+… (no TEI file can hold it; its line and column named)',
              'remove it from the file and add it again'),
    "S018": (SourceError, "source '…' is … (added from …); … is another file with the same id "
                          "(a store before version 9, which did not record the name: may be)",
              "name it … to replace that source (a file read the same way: TEI, text or "
              "Markdown), or give it a name of its own (a source's id is made of its file's "
              "name)"),
    "S019": (SourceError, 'entity &… is declared only in the DTD, which annotator does not read (a DOCTYPE naming an external DTD is accepted; the DTD is never loaded)',
              'write the character itself or a character reference (&#160; for &nbsp;)'),
    "S020": (SourceError, 'encoding … (named in the XML declaration) is not known',
              'save the file as UTF-8, or name its encoding as IANA does'),
    "S021": (SourceError, 'the file looks like UTF-16 (or UTF-32) without a byte-order mark',
              'save it as UTF-8, or with its byte-order mark'),
    "S022": (SourceError, 'the file is UTF-16 (its byte-order mark says so) where UTF-8 is needed (TOML, a .txt or .md)',
              'convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)'),
    "S023": (SourceError, "the file's legacy encoding does not encode back to the same bytes",
              'save the file as UTF-8 (annotator keeps sources byte for byte)'),
    "S024": (SourceError, "source '…' has passages cited by … claim(s) of other sources "
                          "(removing it would take those links)",
              "unlink them first, or give --force to remove those links too ('annotator undo' "
              "brings them back)"),
    "S025": (SourceError, 'file changed since it was added; removing the source would lose the '
                          'edits, which the store does not hold',
              "run 'annotator add --replace …' first, or move the file out of sources/ to keep "
              "it"),
    "S028": (SourceError, "source '…' has no version '…' kept",
              "give one of its versions: … ('annotator source versions …')"),
    "S029": (SourceError, "file exists", "give a new file name: a version of a source is never "
                                         "written over a file"),
    "S030": (SourceError, "cannot write … (…)", "give a folder you can write to"),
    "S027": (SourceError, "… is an export's register (written by annotator), not a source "
                          "(Workspace.add; 'annotator add' imports it as 'register import' "
                          "does)",
              "import it with 'annotator register import …'"),
    "S026": (SourceError, "the header's date … and the dateline's date … (line …) name different "
                          "days: a warning (file:line: warning: …), said once per source by add, "
                          "propose and check (and by 'annotator source ID'; 'annotator sources' "
                          "marks the source's date with the code), not by a source whose date "
                          "the editor set; worked out once, when the file is added; the "
                          "source is dated by the header's correspDesc or creation date, or by "
                          "the dateline where that date's own words give the dateline's date "
                          "(its TEI value a slip, as a day and month swapped) or where the "
                          "header's date is the source description's (sourceDesc)",
              "correct the one that is wrong and 'annotator add --replace' the file, or set the "
              "source's date with 'annotator source date …'"),
    "S101": (SourceError, 'gold file (or its text file) not found',
              'check the path'),
    "S102": (SourceError, 'not a gold file, or a span in it is malformed',
              'see tests/data/seed/gold.json for the shape'),
    "S103": (SourceError, "no source of this workspace has the gold's text",
              'add the source the gold file annotates'),
    "S104": (SourceError, "gold file is the file of source '…' (with --confirmed-only): its "
                          "confirmed mentions are this file's own markup, which would score "
                          "itself",
              "drop --confirmed-only to score proposals made without its markup, or use "
              "'annotator eval --folds K'"),
    "S201": (SourceError, 'the register file cannot be read, is not TEI, or has no entries with xml:id (one a decisions file names: named at its register line)',
              'give a TEI file with listPerson, listPlace or listOrg'),
    "S202": (SourceError, '<…> without xml:id (register import: the entry left out and named, the rest imported; with --strict, or in a decisions file\'s register, refused: nothing imported)',
              'give every register entry an xml:id'),
    "S203": (SourceError, "… '…' has no <…> (register import: left out as S202 is)",
              'add <…> with its name'),
    "S204": (SourceError, 'an authority id in the register has the wrong shape (register import: the id left out, the entry imported; with --strict refused)',
              'fix the idno (e.g. Wikidata Q352)'),
    "S205": (SourceError, 'decisions file not found, or not a file that can be read',
              'check the path'),
    "S206": (SourceError, 'an entry of the decisions file is malformed: a field unknown, missing or of the wrong type (a number where a string is needed) (named section[i], at the line and column where the entry, or its wrong field, starts); every malformed entry is named, each of its faults that does not hang on another (two bad fields: both), one a line in the file\'s order, then a line counting them (\'N malformed entries\', or \'N problems in M malformed entries\'): nothing applied',
              'see docs/review.md#decisions-files'),
    "S207": (SourceError, 'an entry of the decisions file cannot be applied (named section[i], at the line and column where it starts, or where its field at fault does: a wikidata id or date that is not one, an entity or source that does not exist); every such entry is named, and each of its independent faults, one a line in the file\'s order, then a line counting them (\'N entries that cannot be applied\'): nothing applied, the file\'s register included',
              'fix them all, then run the command again'),
    "S208": (SourceError, 'the decisions file is not valid TOML (line and column named)',
              'fix the file (docs/review.md#decisions-files)'),
    "S209": (SourceError, "section[i]: the value of '…' (or a field's name) holds the control character (DEL and C1 included) / noncharacter U+… (its line and column in the file named): refused, nothing applied",
              'remove it (a TOML escape such as \\u0002 or \\u007f in a name or note); TEI cannot hold it or discourages it'),
    "S301": (SourceError, 'the .bib file cannot be read (missing, a folder, not UTF-8 and no "% Encoding:" line): refused, nothing added',
              'give a UTF-8 .bib file'),
    "S302": (SourceError, "entry '…': duplicate key (case ignored, across the files added together): a warning, the first entry wins as in biber",
              'give the later entry a key of its own to keep it'),
    "S303": (SourceError, "entry '…': key already in the bibliography for another work (from …): that entry is left out",
              'give the entry another key, or use --replace to update the stored entry'),
    "S304": (SourceError, 'entry without a type: left out',
              'write @book{key, ...}'),
    "S305": (SourceError, 'unbalanced braces or quotes, or an entry that cannot be read: left out, reading goes on at the next entry',
              'balance the braces'),
    "S306": (SourceError, 'a field given twice in one entry: a warning, the last value is kept as in biber',
              'keep one'),
    "S307": (SourceError, 'crossref, or a key of an xref, naming an entry that does not exist: a warning, '
                          'the field is kept (the .bib exports leave it out, with a note)',
              'add the entry it names (from any of the files) or drop the key'),
    "S308": (SourceError, "undefined @string macro '…' (biber reads the files in order: one "
                          "whose @string comes later is undefined where it is used, and the "
                          "message says where the @string is): a warning, its name is kept "
                          "as text",
              'define the macro with @string above its first use'),
    "S309": (SourceError, 'no entries found (and no @string macros): refused',
              'give a BibTeX/BibLaTeX file with @type{key, ...} entries'),
    "S310": (SourceError, 'a key with characters BibTeX cannot use: left out',
              'use letters, digits and -_:.'),
    "S311": (SourceError, 'a control character, DEL, a C1 control or a noncharacter in a .bib entry (line, column and entry named): that entry is left out, the others come in (exit status 0 without --strict); one outside every entry, where biber reads nothing, is a warning that leaves out none',
              'remove it; no bibliography text holds one (XML holds the C1 controls, a .bib entry never)'),
    "S312": (SourceError, '@preamble is not kept: a warning',
              'the fields that use its definitions keep them as LaTeX'),
    "S313": (SourceError, "entry '…': year field '…' is not an integer ('50 BC', 'c. 1850', '1891-1893'): a warning, kept as written, as biber keeps it (it warns and cannot sort it); bib list and keys find no year in it, or a four-digit number within",
              'write what the warning names: an integer year (50 BC is year = {-49} or date = {-0049}, ISO 8601 counting as biber does), a range or an uncertain year in date'),
    "S314": (SourceError, "entry '…': year = {-50} is read as biber and ISO 8601 read it, 51 BC: a note, said once for a library (the first such year named, the others counted), which --strict does not refuse",
              'for 50 BC write year = {-49} or date = {-0049} (year 0 is 1 BC)'),
    "S315": (SourceError, "entry '…': field '…' has a bare & or % (LaTeX reads & as a table column, % as a comment): a warning, kept as read; the BibTeX and biblatex exports write \\& and \\%, a URL's & and % (url, doi, \\url{}, \\href{}), a date's EDTF % (date = {1790%}) and a field biber only sorts by (sorttitle) left alone",
              'write \\& and \\% in the .bib'),
    "S316": (SourceError, "entry '…': date '…' (or urldate, origdate, eventdate) of a date's form names no date ('2024-02-30', '2000-13-45'), or month '13' is no month: a warning; every export keeps the part that is (2024-02, 2000; a month left out) and says so in its notes",
              'fix the date (February 2024 has 29 days) and add the file again with --replace'),
    "S317": (SourceError, "entry '…': date '…' (or urldate, origdate, eventdate) is no date biber reads ('c. 1953', '1.1.1892', '1891--1893'; biber warns 'Invalid format' and ignores it): a warning, kept as written; the exports write its year where it has one, as they did",
              'write an EDTF date: date = {1953~} (circa), {1892-01-01}, {1891/1893} (a range), and add the file again with --replace'),
    "S321": (SourceError, "a CSL-JSON file (a file other than .bib whose text opens with [ or {) that is not JSON: file, line and column of the fault; refused, nothing added",
              'fix the JSON there (a missing comma or quote, a trailing comma), or export CSL JSON again from Zotero or pandoc'),
    "S322": (SourceError, "a JSON file that is not CSL-JSON by the official schema (csl-data.json): each item at fault named by its number, id and line, with what is wrong ('author' is no list of names, a type CSL does not know, no 'id'); refused, nothing added",
              'fix the item, or export CSL JSON again from Zotero or pandoc'),
    "S323": (SourceError, "CSL variables with no biblatex field (Zotero's 'source', 'dimensions', a 'composer'): a note, said once for the file; each is kept in its entry's note as 'variable: value'",
              "see the note of those entries with 'annotator bib list'"),
    "S324": (SourceError, "item …: a CSL literal date ('Third Month 1699', 'n.d.') that no date field says whole: a note, one per item; its one year is the date ('ca. 1790' alone is 1790~, no note), the words as written are kept in the entry's note",
              "give a date (date-parts or EDTF) to say it exactly"),
    "S325": (SourceError, "entry '…': likely the same work as another key (from a file added before, or earlier in this add): the same type, authors' family names, title with subtitle and year, case, accents, punctuation and LaTeX ignored, as Zotero and JabRef flag duplicates; a note, the entry added all the same",
              "make them one with 'annotator bib fold KEPT OTHER' (the two keys named), cite one of the two keys, or take the add back with 'annotator undo' and leave one out"),
    "S326": (SourceError, "entry '…': an entry under a key its file does not give: a CSL item whose id is a generic ITEM-n another work has, or a Zotero item id (its URI, a Web API id or path), or no key; a key is made as for an entry without one (none said where it is a stored work it describes); a note naming the key, the entry added all the same",
              "cite it by that key, or give the item a citation-key of its own and add it again"),
    "S327": (SourceError, "bibl '…': its key '…' (its xml:id, or the id its pointer names) is the key of another work (a .bib entry's, another edition's): a warning at the bibl's line when the source is added; the work is added under a key of its own, named (or, read again by a replace, left under the key it had)",
              "cite it by the key named"),
    "S328": (SourceError, "entry '…': its ids list '…', the key of another work (of the files added, or stored), or its key is an alias a stored work lists in its ids: a warning, as biber warns ('Citekey alias … is also a real entry key, skipping'); added all the same, a citation of that key is the work whose own key it is, and the .bib exports leave the alias out",
              "take the key out of the ids; a citation meant for the work that lists it takes its own key"),
    "S329": (SourceError, "… works added beside … (another volume/part): a replace (add --replace) read a bibl edited into another volume, part, number, edition or year of a work the source gave before, and added it as a work of its own beside the first; a warning naming the earlier works",
              "claims keep citing the first: link a claim to the new work where it cites that one"),
    "W001": (StoreError, 'no workspace where it was looked for: store not found / no workspace '
                         'here or in any parent folder / no such folder / a folder that is no '
                         'workspace (no annotator.sqlite)',
              "run 'annotator init' first, or give the workspace's folder with --workspace"),
    "W002": (StoreError, 'cannot open store (…): the file or its folder cannot be read or written',
              'check the file and its folder'),
    "W003": (StoreError, 'the store is busy (another annotator is writing)',
              'try again in a moment'),
    "W004": (StoreError, 'store has schema version …, newer than this annotator (…)',
              'upgrade annotator'),
    "W005": (StoreError, 'the workspace path is a file, not a folder',
              'give a folder for the workspace (init) or its folder with --workspace'),
    "W006": (StoreError, 'cannot make the workspace folder (…)',
              'give a folder you can write in'),
    "W007": (StoreError, 'not an annotator store (…): another SQLite database, or not SQLite',
              "move the file away and run 'annotator init'"),
    "W008": (StoreError, 'cannot bring the store to version … (…) / …: the changes decision '
                         '… logged are not JSON (a store mended by hand)',
              "move the file away and run 'annotator init' (or restore a copy) / restore the "
              "store from a backup, or mend that row of the decisions table"),
    "W009": (StoreError, 'cannot write the store (…): nothing of this change was kept (a full '
                         'disk, or a file that cannot be written, ended its transaction)',
              'free some disk space, or make the file writable, and run the command again'),
    "W101": (ServerError, "no mention … in '…' (gone since the page was drawn)",
              'reload the page'),
    "W102": (ServerError, "cannot listen on '…' (…)",
              'give an address such as 127.0.0.1 with --host'),
    "W103": (ServerError, 'cannot listen on port … (…)',
              'another program uses it: pick another with --port (0 takes any free port)'),
    "W104": (ServerError, 'the review desk did not start',
              'see the log above'),
    "W105": (ServerError, "unknown type '…' (the queue's filter)",
              'use one of …'),
    "W106": (ServerError, 'no passage selected (linking a claim to a passage)',
              'select the passage in the text first'),
    "W107": (ServerError, 'nothing to undo on this page',
              "why the page's newest decision cannot be undone and what to do; the History "
              'page undoes the decision it names, if any can be'),
    "W108": (ServerError, '… is not a port',
              'give a port from 1 to 65535 with --port (0 takes any free port)'),
    "W109": (ServerError, "the selection … does not overlap the mention '…' (…)",
              'select the right text over the mention, then adjust'),
    "W110": (ServerError, "no page at '…' (an unknown address, or one naming a mention that "
                          "never was, or is another source's)",
              'use the links at the top of the page'),
    "W111": (ServerError, 'the source changed since this page was loaded',
              'reload the page and select the text again'),
    "W112": (ServerError, 'claim … changed since this page was loaded (in another tab or from the command line)',
              'reload to see it as it is now, then decide again'),
    "W113": (ServerError, 'link … is not a link of claim …',
              'reload the page'),
    "W114": (ServerError, "unknown act '…' (a form the desk does not know)",
              'use the buttons or keys of the page'),
    "W115": (ServerError, "no … entity named '…' / N … entities named '…' (merging from the queue)",
              'pick one of the names the field offers (or type its id)'),
    "W116": (ServerError, "unknown state '…'",
              'use confirmed or rejected'),
    "W117": (ServerError, 'no work chosen (linking a claim to a work)',
              'search the bibliography and pick a work'),
    "W118": (ServerError, "'…' must be a whole number (a selection's offsets)",
              'select the text again'),
    "W199": (ServerError, 'the review desk failed on this request (a bug)',
              "the traceback is in the terminal running 'annotator serve'; please report it"),
}.items()}
