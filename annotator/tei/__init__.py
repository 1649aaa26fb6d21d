"""TEI sources: the one parser, the reading-text policy and the offset map.

DOCS: README.md#the-reading-text
"""

from annotator.tei.parse import TEI_NS, ParsedSource, parse_source, read_source_bytes
from annotator.tei.textmap import TextMap, TreePos, build_textmap

__all__ = ["TEI_NS", "ParsedSource", "TextMap", "TreePos", "build_textmap", "parse_source",
           "read_source_bytes"]
