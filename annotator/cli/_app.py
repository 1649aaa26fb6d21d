"""The typer app and the options every command shares (workspace, editor)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, Any, TypeVar, get_args

import typer
from typer import _click as click  # typer carries its own click; its classes are these
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
from typer.exceptions import Abort
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.main import get_command

from annotator.cli._params import plain_params

F = TypeVar("F", bound=Callable[..., Any])
# The codes of the command line's own refusals (annotator.errors.CATALOGUE): what click finds
# wrong with the words typed (a missing argument, an unknown option or value), and an argument
# the terminal left undecoded. Every exit-2 line ends with a code, click's as ours; so does
# the line of a command stopped by Ctrl-C (exit 130).
USAGE, BAD_BYTES, INTERRUPTED = "C020", "C021", "I001"
# The exit status of a command stopped by Ctrl-C: 128 + SIGINT, as the shell gives it.
SIGINT_STATUS = 130

# The top-level commands in the order of the work: set up, propose, review, claims, export, check.
WORKFLOW = ("init", "add", "sources", "source", "conventions", "propose", "entities", "mentions",
            "dates", "date",
            "text", "review", "serve", "confirm", "reject", "relabel", "merge", "split", "adjust",
            "mention", "link", "prefer", "note", "apply", "undo", "redo", "history", "register",
            "bib",
            "claims", "claim", "check", "export", "validate", "eval", "train")


def summary(cmd: click.Command) -> str:
    """A command's first sentence, whole: the help never cuts a summary with '...'."""
    text = " ".join((cmd.short_help or cmd.help or "").split("\n\n")[0].split())
    end = text.find(". ")
    return text[:end + 1] if end > 0 else text


def _parse(parse: Callable[[click.Context, list[str]], list[str]], params: list[click.Parameter],
           ctx: click.Context, args: list[str], *, group: bool = False) -> list[str]:
    """``parse`` with plain options read without pydantic (``_params``); a usage error click
    raises without its command (an option given no value) is said of this command."""
    plain_params(params)
    try:
        _once(params, args, group=group)
        return parse(ctx, args)
    except UsageError as err:
        if err.ctx is None:
            err.ctx = ctx
        raise


def _once(params: list[click.Parameter], args: list[str], *, group: bool) -> None:
    """A usage error for an option of one value given twice (``--model a --model b``), or a
    flag given both ways (``--julian --gregorian``): click keeps the last and drops the first
    without a word. Flags may repeat; options that take several (the filters) are not
    checked. ``group``: the words after the first that is no option are a subcommand's."""
    takes: dict[str, TyperOption] = {}
    ways: dict[str, TyperOption] = {}  # each side of a flag pair, --julian/--gregorian
    for p in params:
        if isinstance(p, TyperOption) and not p.is_flag and not p.count:
            takes.update(dict.fromkeys(p.opts, p))
        elif isinstance(p, TyperOption) and p.secondary_opts:
            ways.update(dict.fromkeys([*p.opts, *p.secondary_opts], p))
    seen: dict[str | None, str] = {}
    said: dict[str | None, str] = {}
    words = iter(args)
    for word in words:
        if word == "--":
            return
        if not word.startswith("-") or word == "-":
            if group:
                return
            continue
        long = word.startswith("--")
        name = word.split("=", 1)[0] if long else word[:2]
        pair = ways.get(name)
        if pair is not None and said.setdefault(pair.name, name) != name and \
                (said[pair.name] in pair.opts) != (name in pair.opts):
            raise UsageError(f"{said[pair.name]} and {name} say the opposite: give one")
        opt = takes.get(name)
        if opt is None:
            continue
        if not opt.multiple:
            if opt.name in seen:
                raise UsageError(f"{name} given twice: it takes one value; give it once")
            seen[opt.name] = name
        if "=" not in word if long else len(word) == 2:  # its value is the next word(s)
            for _ in range(opt.nargs):
                next(words, None)


class ManyArgument(TyperArgument):
    """An argument of many values: its help names the type of one (``files... <Path>``), the
    '...' saying there may be several, not a Python ``<list[Path]>``."""

    def display_type(self, ctx: click.Context) -> str:
        return f"<{self._bare_type(get_args(self.type_descriptor.annotation)[0])}>"


def _many(params: list[click.Parameter]) -> None:
    for param in params:
        if type(param) is TyperArgument and param.type_descriptor.is_list:
            param.__class__ = ManyArgument  # same fields; only its help label differs


def _invoke(invoke: Callable[[click.Context], Any], ctx: click.Context) -> Any:
    """``invoke``, a Ctrl-C said in one line on stderr, the command first, and exit status
    130 (typer's own handling exits 130 saying nothing). A long run's ``Interrupted`` says
    what it had done and what not (the command printed the lines of what it finished before
    it); any other Ctrl-C came where no run counts items: each act is whole or not done."""
    try:
        return invoke(ctx)
    except KeyboardInterrupt as stop:
        from annotator.errors import Interrupted

        said = str(stop) if isinstance(stop, Interrupted) else (
            "interrupted before it finished; what it wrote is whole (each act, each file), "
            "the step under way not done; run the same command again")
        sys.stderr.write(f"{ctx.command_path}: {said} [{INTERRUPTED}]\n")
        raise typer.Exit(SIGINT_STATUS) from None


class Command(TyperCommand):
    """A command whose plain options are read without pydantic (``_params``); Ctrl-C is one
    line and exit status 130 (``_invoke``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _many(self.params)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse(super().parse_args, self.get_params(ctx), ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke(super().invoke, ctx)


class Group(TyperGroup):
    """A group whose plain options are read without pydantic (``_params``); Ctrl-C in its
    own callback is one line and exit status 130 (``_invoke``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _many(self.params)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse(super().parse_args, self.get_params(ctx), ctx, args, group=True)

    def invoke(self, ctx: click.Context) -> Any:
        return _invoke(super().invoke, ctx)


class DefaultGroup(Group):
    """A group whose first word, where it names no command (nor is an option), is its
    ``default`` command's argument: 'annotator source ID' is 'source show ID', 'annotator
    dates ID' is 'dates list ID' (was: C020, no such command)."""

    default = ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


def default_group(command: str) -> type[DefaultGroup]:
    """A ``DefaultGroup`` class whose default is ``command``, for a ``Typer(cls=...)``."""
    return type(f"Default_{command}", (DefaultGroup,), {"default": command})


class Typer(typer.Typer):
    """typer's app, its commands and groups of the classes above unless told otherwise."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(cls=cls or Group, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Callable[[F], F]:
        return super().command(name, cls=cls or Command, **kwargs)


class WorkGroup(Group):
    """Commands listed in the order of the work (WORKFLOW), each with its full summary."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """As click's, but a usage error is one line on stderr (where, what, where to read
        more), exit status 2, as every other refusal is."""
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False  # errors come back here, exit codes as the value
        argv = kwargs.get("args", args[0] if args else None)
        bad = next((a for a in (sys.argv[1:] if argv is None else argv)
                    if isinstance(a, str) and not _utf8(a)), None)
        if bad is not None:  # a byte the terminal's encoding left undecoded (\xff)
            shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            sys.stderr.write(f"annotator: argument '{shown}' is not UTF-8; give names, paths "
                             f"and values in UTF-8 (the store keeps them so) [{BAD_BYTES}]\n")
            sys.exit(2)
        try:
            rv = super().main(*args, **kwargs)
        except NoArgsIsHelpError as err:  # the help itself, as click gives it
            err.show()
            sys.exit(err.exit_code)
        except UsageError as err:
            path = err.ctx.command_path if err.ctx is not None else "annotator"
            message = re.sub(r"\bValue error, ", "", _message(err)).rstrip(".")
            message = message[:1].lower() + message[1:]
            sys.stderr.write(f"{path}: {message}; see '{path} -h' [{USAGE}]\n")
            sys.exit(2)
        except Abort:
            sys.stderr.write("aborted\n")
            sys.exit(1)
        if standalone:  # an exit code comes back as the value (commands return None)
            sys.exit(rv if isinstance(rv, int) else 0)
        return rv

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, summary(cmd)) for name in self.list_commands(ctx)
                if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _message(err: UsageError) -> str:
    """click's message, but an unknown option suggests only a close one ('--forse': --force),
    else names the options the command takes: click's low cutoff offered '--force' for
    '--frobnicate' and '--expected' for '--reject'."""
    if not isinstance(err, NoSuchOption) or err.ctx is None:
        return err.format_message()
    import difflib  # only for a typo

    taken = [name for p in err.ctx.command.get_params(err.ctx)
             if isinstance(p, TyperOption) and not p.hidden
             for name in p.opts + p.secondary_opts if name not in ("-h", "--help")]
    close = [n for n in taken if len(err.option_name) > 3 and n.startswith(err.option_name)]
    close = close or difflib.get_close_matches(err.option_name, taken, n=2, cutoff=0.75)
    said = err.message
    if close:
        return f"{said} (did you mean {' or '.join(close)}?)"
    longs = sorted({n for n in taken if n.startswith("--")})
    return f"{said} (it takes {', '.join(longs)})" if longs else f"{said} (it takes no options)"


def _utf8(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Annotator(WorkGroup):
    """The top-level group: a command's module (``annotator.cli.<name>``) is imported, and its
    click command built, when the command is asked for. A run of one command pays for that
    command only, not for the other thirty; the help, a typo (whose suggestions need every
    name) and anything walking the tree load them all, in one build."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load(WORKFLOW)
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._load((cmd_name,) if cmd_name in WORKFLOW else WORKFLOW)
        return super().get_command(ctx, cmd_name)

    def _load(self, names: tuple[str, ...]) -> None:
        missing = [name for name in names if name not in self.commands]
        if not missing:
            return
        for name in missing:  # importing a command's module registers it on ``app``
            importlib.import_module(f"annotator.cli.{name}")
        built = get_command(app)  # typer's own build of what is registered so far
        assert isinstance(built, TyperGroup)
        for name, cmd in built.commands.items():
            self.commands.setdefault(name, cmd)


app = Typer(
    cls=Annotator,
    name="annotator",
    help="Annotate sources as TEI, review entity proposals once per entity, link claims to "
         "their sources, export TEI, BibTeX, CSL-JSON and claim tables.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Globals:
    """Options given before the command: ``annotator -w DIR --editor NAME COMMAND``."""

    workspace: Path | None = None
    editor: str | None = None


def _version(value: bool) -> None:
    if value:  # eager: before a missing command is reported
        from annotator.version import __version__

        typer.echo(f"annotator {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", help="Workspace folder (default: found from the current folder).",
        envvar="ANNOTATOR_WORKSPACE")] = None,
    editor: Annotated[str | None, typer.Option(
        "--editor", help="Name recorded with each decision (default: config, then OS user).")]
    = None,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_version, expose_value=True,
        help="Print annotator's version and stop.")] = False,
) -> None:
    Globals.workspace = workspace
    Globals.editor = editor
