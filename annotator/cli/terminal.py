"""The terminal review: one candidate entity at a time, decided with single keys.

Works in any terminal, also over ssh: keys are read one at a time in cbreak mode (termios), or
a line at a time when stdin is not a terminal; output is rich text with the mention in
``[[double brackets]]`` as well as highlighted, so it reads without colour. All decisions go
through the workspace; the review remembers only this session's acts, for ``u``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.text import Text

from annotator.errors import AnnotatorError

KEYS = ("a accept · x reject · r 1-3 reject that mention only · t type · m merge · s skip · "
        "u undo · q quit")
TYPES = {"p": "person", "l": "place", "o": "org"}


@contextmanager
def _keys() -> Iterator[Callable[[], str]]:
    """A function returning the next key: cbreak on a terminal, else one line per key."""
    fd = sys.stdin.fileno() if hasattr(sys.stdin, "fileno") else -1
    if fd >= 0 and os.isatty(fd):
        import termios
        import tty

        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)

            def read() -> str:
                data = os.read(fd, 1)
                return data.decode("utf-8", "replace") if data else "q"

            yield read
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    else:
        def read_line() -> str:
            line = sys.stdin.readline()
            return line.strip()[:1] if line else "q"

        yield read_line


def show(console: Console, ws: Any, entity_id: str, position: tuple[int, int]) -> Any:
    """Print one candidate: type, names, mentions in context, register matches, keys."""
    cand = ws.candidate(entity_id)
    e = cand.entity
    console.rule(f"{position[0]} of {position[1]} left")
    head = Text()
    head.append(f"{e.type.upper()} ", style="bold magenta")
    head.append(e.preferred, style="bold")
    head.append(f"   {e.id} · {e.mentions} mention{'s' * (e.mentions != 1)} in {e.sources} "
                f"source{'s' * (e.sources != 1)}")
    console.print(head)
    others = [v for v in e.variants if v != e.preferred]
    if others:
        console.print(Text("also written: " + ", ".join(others), style="dim"))
    for i, c in enumerate(cand.contexts, 1):
        line = Text(f"  {i} ", style="bold")
        line.append(f"{c.source_id}:{c.start}  ", style="dim")
        line.append(c.before)
        line.append(f"[[{c.text}]]", style="bold reverse")
        line.append(c.after)
        console.print(line)
    if cand.matches:
        for i, m in enumerate(cand.matches, 1):
            ids = ", ".join(f"{s} {v}" for s, v in m.authority)
            console.print(Text(f"  register match {i}: {m.preferred} ({m.type}, {m.id})"
                               f"{' · ' + ids if ids else ''}", style="cyan"))
    else:
        console.print(Text("  no register match", style="dim"))
    console.print(Text(KEYS, style="bold"))
    return cand


def run_review(ws: Any, *, type_: str | None = None, console: Console | None = None) -> int:
    """Review the queue until it is empty or the editor quits; returns the number of acts."""
    console = console or Console(highlight=False, markup=False, soft_wrap=False)
    done: list[int] = []  # this session's decisions, newest last, for 'u'
    message = ""
    total_start = len(ws.queue(type=type_))
    with _keys() as key:
        while True:
            queue = ws.queue(type=type_)
            if message:
                console.print(Text(message, style="yellow"))
                message = ""
            if not queue:
                console.print(Text(f"Nothing left to review. {len(done)} decisions this "
                                   "session.", style="bold green"))
                return len(done)
            entity_id = queue[0]
            token = ws.state_token(entity_id)
            cand = show(console, ws, entity_id, (len(queue), max(total_start, len(queue))))
            shown = [(c, ws.state_token(f"mention:{c.mention_id}")) for c in cand.contexts]
            ch = key()
            try:
                if ch == "q":
                    console.print(Text(f"Stopped; {len(queue)} left. Run 'annotator review' to "
                                       "go on where you left off.", style="bold"))
                    return len(done)
                if ch == "a":
                    d = ws.confirm(entity_id, expected=token)
                    message = f"accepted {cand.entity.preferred} as {cand.entity.type}"
                elif ch == "x":
                    d = ws.reject(entity_id, expected=token)
                    message = f"rejected {cand.entity.preferred} as {cand.entity.type}"
                elif ch == "r":
                    console.print(Text(f"reject which mention: 1-{len(shown)} (other key: "
                                       "cancel)", style="bold"))
                    pick = key()
                    if not (pick.isdigit() and 1 <= int(pick) <= len(shown)):
                        message = "no mention rejected"
                        continue
                    c, mtoken = shown[int(pick) - 1]
                    d = ws.reject(f"mention:{c.mention_id}", expected=mtoken)
                    message = f"rejected the mention {c.text!r} at {c.source_id}:{c.start} " \
                              f"(the rest of {cand.entity.preferred} is undecided)"
                elif ch == "t":
                    console.print(Text("new type: p person · l place · o org (other key: "
                                       "cancel)", style="bold"))
                    new = TYPES.get(key())
                    if new is None:
                        message = "type unchanged"
                        continue
                    d = ws.relabel(entity_id, new, confirm=True, expected=token)
                    message = f"accepted {cand.entity.preferred} as {new}"
                elif ch == "m":
                    if not cand.matches:
                        message = "no register entry to merge into"
                        continue
                    into = cand.matches[0]
                    d = ws.merge(entity_id, into.id, expected=token)
                    message = f"merged {cand.entity.preferred} into {into.preferred} ({into.id})"
                elif ch == "s":
                    d = ws.skip(entity_id)
                    message = f"skipped {cand.entity.preferred}"
                elif ch == "u":
                    if not done:
                        message = "nothing to undo in this session ('annotator undo' undoes " \
                                  "older acts)"
                        continue
                    undone = ws.undo(done.pop())
                    act = undone.payload.get("act")
                    message = f"undid decision {undone.undoes} ({act})" + (
                        ": back in its place in the queue" if act == "skip" else "")
                    continue
                else:
                    message = f"keys: {KEYS}"
                    continue
            except AnnotatorError as err:
                message = str(err)
                continue
            done.append(d.id)
