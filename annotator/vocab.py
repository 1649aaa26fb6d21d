"""The words of the data model: entity and mention types, states, claim kinds, link relations.

Apart from ``records`` (which imports them from here, never copies them) so that every
command's options and help can name them without making the records' 34 dataclasses, which
cost ``annotator --help`` a sixth of its start-up.
"""

from __future__ import annotations

ENTITY_TYPES = ("person", "place", "org")
DATE_ATTRS = ("when", "from", "to", "notBefore", "notAfter")  # a date's TEI value
CERTAINTIES = ("low", "medium", "high")  # how certain a date's value is (TEI @cert)
MENTION_TYPES = ("person", "place", "org", "date")
ENTITY_STATUSES = ("proposed", "confirmed", "rejected")
MENTION_STATUSES = (*ENTITY_STATUSES, "stale")  # stale: its source changed under it
CLAIM_KINDS = ("attributed", "quoted", "unattributed", "editorial")
CLAIM_STATES = ("proposed", "confirmed", "rejected", "stale")
SUPPORT = ("supported", "attributed", "unsupported")
LINK_RELS = ("supports", "contradicts", "mentions")
