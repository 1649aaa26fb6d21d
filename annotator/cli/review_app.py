"""The full-screen terminal review (``annotator review``): one candidate entity at a time, redrawn
in place, decided with single keys; works over ssh and in tmux (Textual).

The screen shows the entity (with the pointers the sources' own markup gave it), every mention
with its line (or page) and context, the entities it is probably the same as (merge suggestions,
first in the merge list), the register entries it may be, and the proposed dates of
its sources with their values and the reasons for them. A known (confirmed) entity with new
proposed mentions gets a card of its own, which decides those only (``a``/``x``/``h``/``r``). Acts go through the
workspace; the app keeps only this session's decision ids, for ``u``. Imported only when the
command runs: ``annotator --help`` never loads Textual.

DOCS: docs/review.md#the-terminal-review
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from annotator.acts.queue import known_line
from annotator.entities.similar import merge_note
from annotator.errors import AnnotatorError, Interrupted
from annotator.records import Candidate, Context, Decision, Entity
from annotator.tei.textmap import TextMap

if TYPE_CHECKING:
    from annotator.workspace import Workspace

TYPES = {"p": "person", "l": "place", "o": "org"}


class TypeScreen(ModalScreen[str | None]):
    """Pick a new type with one key."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        *(Binding(k, f"pick('{v}')", v) for k, v in TYPES.items()),
        Binding("escape", "pick('')", "cancel")]

    def compose(self) -> ComposeResult:
        yield Static("new type: p person · l place · o org · escape cancels", id="ask")

    def action_pick(self, value: str) -> None:
        self.dismiss(value or None)


class MergeScreen(ModalScreen[str | None]):
    """Type-ahead search over every entity of the card's type (confirmed or proposed); enter
    merges into the highlighted one."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, entities: list[Entity], other_than: str,
                 first: Sequence[str] = (), *, ask: str = "merge into: type part of a name or "
                 "id, arrows to choose, enter to merge") -> None:
        super().__init__()
        self.ask = ask
        # the entities it is probably the same as first: enter merges into the surest
        rank = {eid: i for i, eid in enumerate(first)}
        self.entities = sorted((e for e in entities if e.id != other_than
                                and e.status != "rejected"),
                               key=lambda e: rank.get(e.id, len(rank)))

    def compose(self) -> ComposeResult:
        yield Static(escape(self.ask), id="ask")
        yield Input(placeholder="name or id", id="search")
        yield OptionList(id="hits")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#search", Input).focus()

    def _fill(self, text: str) -> None:
        words = text.casefold().split()
        hits = [e for e in self.entities
                if all(any(w in n.casefold() for n in (e.id, e.preferred, *e.variants))
                       for w in words)][:12]
        box = self.query_one("#hits", OptionList)
        box.clear_options()
        box.add_options([Option(f"{escape(e.preferred)}  ({e.type}, {e.status}, {e.id})", id=e.id)
                         for e in hits])
        if hits:
            box.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: Any) -> None:
        box = self.query_one("#hits", OptionList)
        if event.key in ("down", "up") and box.option_count:
            step = 1 if event.key == "down" else -1
            box.highlighted = ((box.highlighted or 0) + step) % box.option_count
            event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#hits", OptionList)
        if box.highlighted is None or not box.option_count:
            return
        self.dismiss(box.get_option_at_index(box.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewApp(App[int]):
    """The queue, one entity at a time; counts and the list follow every act."""

    CSS = """
    #counts { background: $boost; padding: 0 1; }
    #entity { padding: 0 1; text-style: none; }
    #mentions { height: 1fr; }
    #matches, #dates { padding: 0 1; max-height: 6; }
    #message { color: $warning; padding: 0 1; }
    #ask { padding: 1; }
    """
    BINDINGS = [
        # first, so a narrow footer still shows it; as the browser desk's '?': every key, in
        # Textual's own keys panel beside the card
        Binding("question_mark", "keys", "keys"),
        Binding("escape", "hide_help_panel", "close the keys", show=False),
        Binding("a", "accept", "accept"), Binding("x", "reject", "reject everywhere"),
        Binding("h", "reject_here", "not in this source"),
        Binding("r", "reject_mention", "not this mention"), Binding("t", "type", "type"),
        Binding("m", "merge", "merge"), Binding("M", "merge_here", "merge into this"),
        Binding("p", "split", "split off picked"),
        Binding("u", "undo", "undo"), Binding("s", "skip", "skip"), Binding("q", "quit", "quit"),
        # Ctrl-C stops the review as it stops every long command (Textual's own only says
        # how to quit); an input's ctrl+c still copies
        Binding("ctrl+c", "interrupt", show=False),
        # the list handles these when it has the focus; these work when it lost it
        Binding("space", "pick", "pick", show=False),
        Binding("down", "move(1)", show=False), Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, ws: Workspace, *, type_: Sequence[str] | None = None) -> None:
        super().__init__()
        self.ws = ws
        self.type_ = type_
        self.done: list[int] = []  # this session's decisions, newest last, for 'u'
        self.cand: Candidate | None = None
        self.start_total = 0
        self.interrupted = False  # stopped by Ctrl-C (the key, or SIGINT), not quit

    def compose(self) -> ComposeResult:
        yield Static(id="counts")
        yield Static(id="entity")
        yield SelectionList[int](id="mentions")
        yield Static(id="matches")
        yield Static(id="dates")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.start_total = len(self.ws.queue(type=self.type_))
        self.show()
        try:  # SIGINT between two acts (the loop runs one at a time): stop, as Ctrl-C does
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self.action_interrupt)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # no signals here (another thread, another system): the key still stops it

    # -- drawing --------------------------------------------------------------------------------
    def show(self, message: str = "", first: str = "") -> None:
        """Redraw for the first entity of the queue, or ``first`` while it is to decide (the
        entity a merge kept), or say the queue is done."""
        queue = self.ws.queue(type=self.type_)
        self.start_total = max(self.start_total, len(queue))
        self.query_one("#counts", Static).update(
            f"{len(queue)} left of {self.start_total} · {len(self.done)} decided this session")
        self.query_one("#message", Static).update(escape(message))
        box = self.query_one("#mentions", SelectionList)
        box.clear_options()
        if not queue:
            self.cand = None
            self.query_one("#entity", Static).update("Nothing left to review.")
            for part in ("#matches", "#dates"):
                self.query_one(part, Static).update("")
            return
        self.cand = cand = self.ws.candidate(first if first in queue else queue[0], limit=None)
        e = cand.entity
        others = [v for v in e.variants if v != e.preferred]
        known = known_line(cand)
        self.query_one("#entity", Static).update(
            f"[b]{e.type.upper()}[/b] [b]{escape(e.preferred)}[/b]   {e.id} · {e.mentions} "
            f"mention{'s' * (e.mentions != 1)} in {e.sources} source{'s' * (e.sources != 1)}"
            + (f"\n[b]{escape(known)}[/b]" if known else "")
            + (f"\nalso written: {escape(', '.join(others))}" if others else "")
            + (f"\nthe source's own @ref {escape(' · '.join(cand.refs))}" if cand.refs else "")
            + self._ambiguity(cand)
            + ("\na accepts them, x rejects them (never the entry); r/h act on the highlighted "
               "one; t, m, M, p change the entry itself: not on this card" if known else
               "\nspace picks mentions (for p split); r/h act on the highlighted one"))
        maps: dict[str, TextMap] = {}
        for c in sorted(cand.contexts, key=lambda c: c.status == "rejected"):  # rejected last
            tm = maps.get(c.source_id) or maps.setdefault(c.source_id, self.ws.textmap(c.source_id))
            mark = ("✗ rejected " if c.status == "rejected" else "") + \
                ("marked in the source · " if c.provenance == "source" else "")
            prompt = (f"{mark}{c.source_id} {tm.place(c.start)}  {escape(c.before)}"
                      f"[reverse]{escape(c.text)}[/reverse]{escape(c.after)}")
            box.add_option(Selection(prompt, c.mention_id))
        if box.option_count:
            box.highlighted = 0
        self.call_after_refresh(box.focus)  # also after a dialog closed
        self.query_one("#matches", Static).update("\n".join(
            [f"maybe the same as {escape(s.other.preferred)} ({s.other.status}, {s.other.id}): "
             f"{escape(s.reason)} — m merges into it, keeps {escape(s.other.preferred)} "
             f"({s.other.id}) · M the other way, keeps {escape(e.preferred)} ({e.id})"
             for s in cand.similar]
            + [f"register match: {escape(m.preferred)} ({m.type}, {m.id})"
               + "".join(f" · {s}:{v}" for s, v in m.authority)
               for m in cand.matches]) or "no register match")
        dates = [d for sid in sorted({c.source_id for c in cand.contexts})
                 for d in self.ws.mentions(sid, status="proposed", types=["date"])]
        self.query_one("#dates", Static).update(
            "\n".join(f"date {d.id}: {escape(d.surface)} = "
                      + (" ".join(f"{k}={v}" for k, v in d.date_value) or "no value")
                      + (f" ({escape(d.flags)})" if d.flags else "")
                      + (f" · {escape(d.date_reason)}" if d.date_reason else "")
                      for d in dates[:5]))

    def _ambiguity(self, cand: Candidate) -> str:
        """The card's line for mentions flagged ``ambiguous`` (``Candidate.could_be``: the
        merge suggestions their name fits), names escaped as rich markup."""
        if not cand.ambiguous:
            return ""
        could = cand.could_be
        return ("\nambiguous: its name fits several entities equally, none was picked"
                + (" · could be: " + ", ".join(f"{escape(o.preferred)} ({escape(o.id)})"
                                                for o in could) + " (m merges into one)"
                   if could else ""))

    def act(self, do: Callable[[], Decision], message: str, first: str = "") -> None:
        """Run one act; its decision joins this session's, the screen is redrawn (for
        ``first`` while it is to decide)."""
        try:
            decision = do()
        except AnnotatorError as err:
            self.show(str(err))
            return
        self.done.append(decision.id)
        note = merge_note(decision.payload)  # a merge the sources' markup tells apart
        self.show(f"{message}; {note}" if note else message, first)

    def highlighted(self) -> Context | None:
        """The Context of the highlighted mention, or None."""
        box = self.query_one("#mentions", SelectionList)
        if self.cand is None or box.highlighted is None:
            return None
        value = box.get_option_at_index(box.highlighted).value
        return next(c for c in self.cand.contexts if c.mention_id == value)

    # -- keys -----------------------------------------------------------------------------------
    def action_pick(self) -> None:
        box = self.query_one("#mentions", SelectionList)
        if box.highlighted is not None:
            box.toggle(box.get_option_at_index(box.highlighted).value)
        box.focus()

    def action_move(self, step: int) -> None:
        box = self.query_one("#mentions", SelectionList)
        if box.option_count:
            box.highlighted = ((box.highlighted or 0) + step) % box.option_count
        box.focus()

    def known(self) -> bool:
        """Whether the card is a known entity's (its new mentions to decide)."""
        return self.cand is not None and self.cand.entity.status == "confirmed"

    def not_on_known(self, what: str) -> bool:
        """A key that would change a known entity itself is not offered on its card: say so."""
        if not self.known():
            return False
        assert self.cand is not None
        e = self.cand.entity
        self.show(f"{e.preferred} is a known entity ({e.id}): its card decides its new mentions "
                  f"only; to {what} the entity itself, use 'annotator {what} {e.id} ...'")
        return True

    def action_accept(self) -> None:
        if self.cand and self.known():
            e, n = self.cand.entity, self.cand.new
            self.act(lambda: self.ws.confirm_proposed(e.id),
                     f"accepted {n} new mention{'s' * (n != 1)} of {e.preferred}")
        elif self.cand:
            e = self.cand.entity
            self.act(lambda: self.ws.confirm(e.id), f"accepted {e.preferred} as {e.type}")

    def action_reject(self) -> None:
        if self.cand and self.known():
            e, n = self.cand.entity, self.cand.new
            self.act(lambda: self.ws.reject_proposed(e.id),
                     f"rejected {n} new mention{'s' * (n != 1)} of {e.preferred}; "
                     f"{e.preferred} stays as it is")
        elif self.cand:
            e = self.cand.entity
            self.act(lambda: self.ws.reject(e.id), f"rejected {e.preferred} everywhere")

    def action_reject_here(self) -> None:
        c = self.highlighted()
        if c is None or self.cand is None:
            return
        e, known = self.cand.entity, self.known()
        n = sum(x.source_id == c.source_id and x.status != "rejected" for x in self.cand.contexts)
        self.act(lambda: self.ws.reject_in_source(e.id, c.source_id, proposed_only=known),
                 f"rejected {e.preferred} in {c.source_id} ({n} mention{'s' * (n != 1)}); "
                 "not proposed there again")

    def action_reject_mention(self) -> None:
        c = self.highlighted()
        if c is not None:
            self.act(lambda: self.ws.reject(f"mention:{c.mention_id}"),
                     f"rejected the mention {c.text!r} at {c.source_id}")

    def action_type(self) -> None:
        if self.cand is None or self.not_on_known("relabel"):
            return
        e = self.cand.entity

        def chosen(new: str | None) -> None:
            if new:
                self.act(lambda: self.ws.relabel(e.id, new, confirm=True),
                         f"accepted {e.preferred} as {new}")
            else:
                self.show("type unchanged")
        self.push_screen(TypeScreen(), chosen)

    def action_merge(self) -> None:
        """Fold this card's entity into the one chosen, which keeps its id (its name is chosen
        anew among both's mentions, unless an editor chose it)."""
        self._merge(here=False)

    def action_merge_here(self) -> None:
        """The other way: fold the entity chosen into this one, which keeps its id."""
        self._merge(here=True)

    def _merge(self, *, here: bool) -> None:
        """The merge list, the entities this one is probably the same as first; the act is
        refused (D010) if either entity changed since the screen was drawn."""
        if self.cand is None or self.not_on_known("merge"):
            return
        e, state = self.cand.entity, self.cand.state
        tokens = {s.other.id: s.other_state for s in self.cand.similar}

        def chosen(other: str | None) -> None:
            if not other:
                self.show("nothing merged")
            elif here:
                self.act(lambda: self.ws.merge(other, e.id, expected=tokens.get(other),
                                               expected_into=state),
                         f"merged {other} into {e.preferred}, kept {e.preferred} ({e.id})", e.id)
            else:
                self.act(lambda: self.ws.merge(e.id, other, expected=state,
                                               expected_into=tokens.get(other)),
                         f"merged {e.preferred} into {other}, which keeps its id", other)
        ask = (f"merge into {e.preferred} ({e.id}), which keeps its id: the one to "
               "fold in" if here else
               f"merge {e.preferred} ({e.id}) into: the one chosen keeps its id")
        # its own type only: a merge across types is refused (D032), relabel first
        self.push_screen(MergeScreen(self.ws.entities(type=e.type, counts=False), e.id,
                                     list(tokens),
                                     ask=f"{ask}; type part of a name or id, arrows to choose, "
                                     "enter to merge"), chosen)

    def action_split(self) -> None:
        if self.cand is None or self.not_on_known("split"):
            return
        picked = list(self.query_one("#mentions", SelectionList).selected)
        if not picked:
            self.show("pick the mentions to split off with space first")
            return
        e = self.cand.entity
        self.act(lambda: self.ws.split(e.id, picked),
                 f"split {len(picked)} mention(s) off {e.preferred}")

    def action_skip(self) -> None:
        if self.cand:
            e = self.cand.entity
            self.act(lambda: self.ws.skip(e.id), f"skipped {e.preferred}")

    def action_undo(self) -> None:
        if not self.done:
            self.show("nothing to undo in this session ('annotator undo' undoes older acts)")
            return
        try:  # as a plain undo, over the session's decisions: the newest only, or why not
            undone = self.ws.undo(among=self.done)
        except AnnotatorError as err:
            self.show(str(err))
            return
        self.done = [i for i in self.done if i != undone.undoes]
        self.show(f"undid decision {undone.undoes} ({undone.payload.get('act')})")

    def action_keys(self) -> None:
        """Show the keys panel (Textual's HelpPanel), or close it when it is shown."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_quit(self) -> None:
        self.exit(len(self.done))

    def action_interrupt(self) -> None:
        self.interrupted = True
        self.exit(len(self.done))


def run_review(ws: Workspace, *, type_: Sequence[str] | None = None) -> int:
    """Review the queue full-screen until the editor quits; returns the number of acts kept.
    Stopped by Ctrl-C, ``Interrupted`` says how many this session kept and how many are left
    (every act is whole: the screen runs one at a time)."""
    app = ReviewApp(ws, type_=type_)
    kept = app.run() or 0
    if app.interrupted:
        left = len(ws.queue(type=type_))
        raise Interrupted(f"{kept} decision{'s' * (kept != 1)} of this session kept, {left} "
                          f"entit{'ies' if left != 1 else 'y'} left to review",
                          hint="run the same command again to go on")
    return kept
