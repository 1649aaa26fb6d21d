"""Field values between LaTeX and Unicode, losing nothing.

A stored bibliography value is LaTeX source, as biber reads it, with every accent and letter
command that has an exact Unicode form written as that character (``{\\"o}`` -> ``ö``,
``\\ss{}`` -> ``ß``, ``\\textendash`` -> ``–``): what biber itself decodes, so writing the
value back to a .bib file means the same to biber and LaTeX. Everything else stays LaTeX:
protective braces, ``\\TeX``, ``\\texttt{...}``, math, ``\\href``, ``\\&`` and ``\\%``, ``--``
and ``~``.

Readers get the value through ``plain`` (text for people, CSL-JSON's plain variables and
TEI) or ``rich`` (CSL-JSON's titles: citeproc's ``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
``<span class="nocase">`` for what the source braced). Both walk the value once with an
explicit stack, so 5,000 nested braces cost nothing more than 5,000 characters. ``escape``
is the way back from plain text (a TEI title) to a value; ``to_ascii`` gives classic
BibTeX its escapes.

DOCS: docs/claims.md#bibliography
"""

from __future__ import annotations

import re
import unicodedata

# -- decoding what has an exact Unicode form ---------------------------------------------------
ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
           "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
           "c": "\u0327", "d": "\u0323", "b": "\u0331", "k": "\u0328", "r": "\u030a"}
LETTERS = {"ss": "ß", "SS": "ẞ", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ",
           "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð",
           "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ"}
# Text symbols whose character is no LaTeX special (so '\textasciitilde' stays: '~' is a tie).
SYMBOLS = {"textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
           "textquotedblleft": "“", "textquotedblright": "”", "quotesinglbase": "‚",
           "quotedblbase": "„", "guillemotleft": "«", "guillemotright": "»",
           "guillemetleft": "«", "guillemetright": "»", "guilsinglleft": "‹",
           "guilsinglright": "›", "S": "§", "textsection": "§", "P": "¶", "textparagraph": "¶",
           "copyright": "©", "textcopyright": "©", "textregistered": "®",
           "texttrademark": "™", "pounds": "£", "textsterling": "£", "euro": "€",
           "texteuro": "€", "textyen": "¥", "textcent": "¢", "textdegree": "°",
           "textellipsis": "…", "dots": "…", "ldots": "…", "dag": "†", "ddag": "‡",
           "textdagger": "†", "textdaggerdbl": "‡", "textbullet": "•",
           "textperiodcentered": "·", "textexclamdown": "¡", "textquestiondown": "¿",
           "textordfeminine": "ª", "textordmasculine": "º", "textonehalf": "½",
           "textonequarter": "¼", "textthreequarters": "¾", "textmu": "µ",
           "textmultiply": "×", "textdiv": "÷", "textpm": "±", "textnumero": "№"}

_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_ACCENTED = (r"\\(?:(?P<sym>[\"'`^~=.])\s*|(?P<word>[uvHcdbkr])(?![A-Za-z])\s*)"
             rf"(?:\{{\s*(?P<b1>{_BASE})\s*\}}|(?P<b2>{_BASE}))")
_NAMED = "|".join(sorted([*LETTERS, *SYMBOLS], key=len, reverse=True))
_COMMAND = rf"\\(?P<name>{_NAMED})(?![A-Za-z])(?:\s*\{{\}}|[ \t\n]*)"
_ONE = re.compile(rf"{_ACCENTED}|{_COMMAND}")
_UNNAMED = re.sub(r"\?P<\w+>", "", rf"{_ACCENTED}|{_COMMAND}")
# '{\"o}' (BibTeX's special character) loses its braces with the command
_DECODE = re.compile(rf"\{{\s*(?:{_UNNAMED})\s*\}}|{_UNNAMED}")
_ASCII_SPACE = re.compile(r"[ \t\n\r]+")


def _decoded(m: re.Match[str]) -> str:
    text = m.group()
    if text.startswith("{"):
        text = text[1:-1].strip()
    one = _ONE.match(text)
    if one is None:  # unreachable: _DECODE matched the same pattern
        return m.group()
    name, sym, word = one.group("name"), one.group("sym"), one.group("word")
    if name:
        return LETTERS.get(name) or SYMBOLS[name]
    base = one.group("b1") or one.group("b2") or ""
    base = base[-1] if base.startswith("\\") else base  # '\i' under an accent is 'i'
    return unicodedata.normalize("NFC", base + ACCENTS[sym or word])


def decode(value: str) -> str:
    """A field value with its exactly decodable commands as Unicode and its line breaks and
    runs of spaces (the .bib file's layout) as single spaces; the rest as it was."""
    if "\\" in value:
        value = _DECODE.sub(_decoded, value)
    return _ASCII_SPACE.sub(" ", value).strip()


# -- reading a value ---------------------------------------------------------------------------
_ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ",
            ",": "\u2009", "-": "", "/": "", "@": "", "\\": " ", ";": "\u2005", ":": "\u205f",
            "!": ""}
_WORDS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX",
          "XeTeX": "XeTeX", "LuaTeX": "LuaTeX", "ConTeXt": "ConTeXt", "textbackslash": "\\",
          "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_",
          "textbraceleft": "{", "textbraceright": "}",
          "textbar": "|", "textless": "<", "textgreater": ">", "slash": "/", "ae": "æ",
          "relax": "", "hyphen": "-", "newblock": " ", "par": " ", "quad": "\u2003",
          "qquad": "\u2003\u2003", "enspace": "\u2002", "thinspace": "\u2009", "nobreakspace":
          "\u00a0", "textvisiblespace": "␣"}
# one-argument commands: what their argument becomes ("" = text as it is, "verb" = taken
# as it is written, "skip" = left out)
_STYLES = {"emph": "i", "textit": "i", "textsl": "i", "mkbibemph": "i", "mkbibitalic": "i",
           "textbf": "b", "mkbibbold": "b", "textsc": "sc", "textsuperscript": "sup",
           "mkbibsuperscript": "sup", "textsubscript": "sub", "mkbibsubscript": "sub",
           "mkbibquote": "q", "enquote": "q", "texttt": "", "textrm": "", "textsf": "",
           "textup": "", "textnormal": "", "textmd": "", "mbox": "", "hbox": "", "text": "",
           "uppercase": "", "MakeUppercase": "", "lowercase": "",
           "url": "verb", "nolinkurl": "verb", "path": "verb", "hyphenation": "skip",
           # sort-only macros ("{\\noopsort{a}}de la Fontaine"): their argument sorts, never shows
           "noopsort": "skip", "noop": "skip", "sortnoop": "skip", "SortNoop": "skip"}
# two-argument commands whose first argument is no text: \href{url}{text}
_SECOND = frozenset({"href", "foreignlanguage", "hyperref"})
# declarations that style the rest of their group: dropped in plain text
_DECLARATIONS = frozenset({"em", "it", "itshape", "bf", "bfseries", "sc", "scshape", "rm",
                           "rmfamily", "sf", "sffamily", "tt", "ttfamily", "sl", "slshape",
                           "upshape", "mdseries", "normalfont", "selectlanguage", "protect",
                           "frenchspacing", "nocorr"})
_TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sup": ("<sup>", "</sup>"),
         "sub": ("<sub>", "</sub>"), "sc": ('<span style="font-variant:small-caps;">', "</span>"),
         "nocase": ('<span class="nocase">', "</span>")}
_LIGATURES = {"--": "–", "---": "—", "``": "“", "''": "”"}
_TOKEN = re.compile(r"\\([A-Za-z@]+)[ \t\n]*|\\(.)|([{}$~])|(---?|``|'')|"
                    r"([^\\{}$~`'-]+|[`'-])", re.S)
_NEEDS_RENDER = re.compile(r"[\\{}$~]|--|``|''")


def plain(value: str) -> str:
    """The value as text for people: commands with a Unicode form rendered, markup and
    protective braces gone, what has no text form (math, unknown commands) kept as LaTeX."""
    return _render(value, rich=False)


def rich(value: str) -> str:
    """The value as CSL rich text: ``plain`` plus citeproc's tags for italics, bold, small
    capitals, super- and subscript, and ``<span class="nocase">`` for braced text."""
    return _render(value, rich=True)


def _render(value: str, *, rich: bool) -> str:
    if not _NEEDS_RENDER.search(value):
        return value
    out: list[str] = []
    closing: list[str] = []  # what each open group ends with
    pending: list[str] = []  # what the next groups are (a command's arguments), last first
    pos, n = 0, len(value)
    while pos < n:
        m = _TOKEN.match(value, pos)
        if m is None:  # unreachable: the last alternative takes any other character
            out.append(value[pos])
            pos += 1
            continue
        pos = m.end()
        word, symbol, brace, ligature, text = m.groups()
        if text is not None:
            out.append(text)
        elif word is not None:
            _command(word, m.group(), value[pos:pos + 2], out, pending)
        elif symbol is not None:
            # an accent on something that is no letter has no Unicode form: kept
            out.append(_ESCAPED.get(symbol, "\\" + symbol))
        elif ligature is not None:
            out.append(_LIGATURES[ligature])
        elif brace == "~":
            out.append("\u00a0")
        elif brace == "$":
            end = _math_end(value, pos)
            out.append(value[pos - 1:end])  # no Unicode form: math stays LaTeX
            pos = end
        elif brace == "{":
            kind = pending.pop() if pending else \
                "nocase" if rich and not closing and value[pos:pos + 1] != "\\" else ""
            if kind in ("verb", "skip"):
                end = group_end(value, pos)
                if kind == "verb":
                    out.append(value[pos:end - 1])
                pos = end
            elif kind == "latex":
                out.append("{")
                closing.append("}")
            elif kind == "q":
                out.append("“")
                closing.append("”")
            else:
                opening, close = _TAGS.get(kind, ("", "")) if rich else ("", "")
                out.append(opening)
                closing.append(close)
        elif brace == "}":
            out.append(closing.pop() if closing else "}")  # an unbalanced '}' is kept
    out.extend(reversed(closing))  # an unclosed group: closed
    text = _ASCII_SPACE.sub(" ", "".join(out)).strip()
    return text.replace('<span class="nocase"></span>', "") if rich else text


def _command(word: str, raw: str, after: str, out: list[str], pending: list[str]) -> None:
    """Render one control word (``raw``: as written, with the spaces it ends); what its
    arguments (the next groups) become goes on ``pending``. ``after``: the next two
    characters."""
    if word in LETTERS or word in SYMBOLS or word in _WORDS:
        out.append(LETTERS.get(word) or SYMBOLS.get(word) or _WORDS[word])
        if after == "{}":
            pending.append("")
    elif after[:1] != "{":
        if word not in _DECLARATIONS:
            out.append(raw)  # no text form: kept as LaTeX
    elif word in _STYLES:
        pending.append(_STYLES[word])
    elif word in _SECOND:
        pending.extend(("", "skip"))
    else:  # no text form: the command kept, its argument as LaTeX
        out.append("\\" + word)
        pending.append("latex")


def group_end(value: str, pos: int) -> int:
    """Index after the '}' closing the group whose '{' ends at ``pos``."""
    depth, i, n = 1, pos, len(value)
    while i < n and depth:
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        depth += (ch == "{") - (ch == "}")
        i += 1
    return min(i, n)


def _math_end(value: str, pos: int) -> int:
    """Index after the '$' closing the math that starts before ``pos`` (the end if none)."""
    i = pos
    while True:
        j = value.find("$", i)
        if j < 0:
            return len(value)
        if value[j - 1] != "\\":
            return j + 1
        i = j + 1


# -- & and % a value left bare --------------------------------------------------------------
# an & or % after no backslash or after an escaped one ('\\\\&'): LaTeX reads & as a table's
# column and % as a comment, so every LaTeX run with the field fails or cuts it there
_BARE = re.compile(r"(?<!\\)(?:\\\\)*([&%])")
# commands whose argument is a URL, where & and % are the URL's (hyperref takes them so)
_URL_ARG = re.compile(r"\\(?:url|nolinkurl|path|href)\s*\{")


def _bare(value: str) -> list[int]:
    """Where a value has an & or % LaTeX would take as markup: not escaped, not in a URL."""
    urls = [(m.end(), group_end(value, m.end())) for m in _URL_ARG.finditer(value)]
    return [m.start(1) for m in _BARE.finditer(value)
            if not any(a <= m.start(1) < b for a, b in urls)]


def bare_specials(value: str) -> str:
    """The bare ``&`` and ``%`` of a .bib value (each once, in order: '&%'), which Better
    BibTeX and JabRef flag: '' for a value that escapes them (``\\&``) or has them only in a
    URL (``\\url{...?a=1&b=2}``)."""
    return "".join(dict.fromkeys(value[i] for i in _bare(value)))


def escape_bare(value: str) -> str:
    """The value with each bare ``&`` and ``%`` escaped (``\\&``, ``\\%``), as the author meant
    them: text, since no field of a bibliography is a table or holds a comment."""
    for i in reversed(_bare(value)):
        value = value[:i] + "\\" + value[i:]
    return value


# -- writing plain text as a value -------------------------------------------------------------
_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
             "_": r"\_", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
             "~": r"\textasciitilde{}",
             "^": r"\textasciicircum{}"}
_SPECIAL = re.compile(r"[\\&%$#_{}~^]")


def escape(text: str) -> str:
    """Plain text (a TEI title, a name) as a value: LaTeX specials escaped (braces as
    ``\\textbraceleft{}``: BibTeX counts a brace even after a backslash), the ligatures
    LaTeX would make (``--``, ``````, ``''``) broken, so ``plain(escape(t)) == t``."""
    text = _SPECIAL.sub(lambda m: _SPECIALS[m.group()], _ASCII_SPACE.sub(" ", text).strip())
    for ligature, kept in (("--", "-{}-"), ("``", "`{}`"), ("''", "'{}'")):
        while ligature in text:
            text = text.replace(ligature, kept)
    return text


def escape_name(text: str) -> str:
    """Like ``escape`` for a name list, keeping the braces that hold a name together."""
    if not _balanced(text):
        return escape(text)
    parts = re.split(r"([{}])", text)
    return "".join(p if p in "{}" else escape(p) if p.strip() else p for p in parts)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


# -- ASCII for classic BibTeX ------------------------------------------------------------------
_TO_LETTER = {v: k for k, v in LETTERS.items()}  # dotless ı and ȷ too: {\i}, {\j}
_TO_SYMBOL = {"–": "textendash", "—": "textemdash", "‘": "textquoteleft",
              "’": "textquoteright", "“": "textquotedblleft", "”": "textquotedblright",
              "«": "guillemotleft", "»": "guillemotright", "§": "S", "¶": "P",
              "©": "copyright", "£": "pounds", "…": "dots", "†": "dag", "‡": "ddag",
              "¡": "textexclamdown", "¿": "textquestiondown", "°": "textdegree",
              "®": "textregistered", "™": "texttrademark", "€": "texteuro",
              "•": "textbullet", "·": "textperiodcentered"}
_SPACES = {"\u00a0": "~", "\u2009": "\\,", "\u202f": "\\,", "\u2002": "\\enspace{}",
           "\u2003": "\\quad{}", "\u2005": "\\;", "\u2006": "\\,", "\u200b": "", "\u00ad": "\\-",
           "\u2011": "-", "\u2010": "-"}
_TO_ACCENT = {v: k for k, v in ACCENTS.items()}


def to_ascii(value: str) -> tuple[str, str]:
    """The value with every non-ASCII character that has a LaTeX escape written as it, and
    the characters that have none (a CJK ideograph, Hebrew, an emoji), each once in order of
    first use: those stay in the value as they are (UTF-8 in the file), since BibTeX passes
    bytes through and a cited work must not vanish from a bibliography for one letter; what
    Better BibTeX and biber's ``latex_encode`` do with a character outside their tables."""
    if value.isascii():
        return value, ""
    out: list[str] = []
    missing: dict[str, None] = {}
    for ch in value:
        if ch.isascii():
            out.append(ch)
        elif ch in _SPACES:
            out.append(_SPACES[ch])
        elif ch in _TO_LETTER:
            out.append("{\\" + _TO_LETTER[ch] + "}")
        elif ch in _TO_SYMBOL:
            out.append("\\" + _TO_SYMBOL[ch] + "{}")
        else:
            latex = _accented(ch)
            if latex is None:
                missing[ch] = None
                latex = ch
            out.append(latex)
    return "".join(out), "".join(missing)


def _accented(ch: str) -> str | None:
    """'ö' -> '{\\"o}', 'ǘ' -> '{\\'{\\"u}}'; None for a character that is no accented
    Latin letter."""
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    if not marks or not base.isascii() or not base.isalpha() or \
            any(m not in _TO_ACCENT for m in marks):
        return None
    text = "\\i" if base == "i" and marks[0] in "\u0301\u0300\u0302\u0308" else base
    for mark in marks:
        cmd = _TO_ACCENT[mark]
        text = f"\\{cmd}{{{text}}}" if cmd.isalpha() else f"\\{cmd}{text}" \
            if len(text) == 1 else f"\\{cmd}{{{text}}}"
    return "{" + text + "}"


def describe(ch: str) -> str:
    """'U+202F NARROW NO-BREAK SPACE' for a note naming a character."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
