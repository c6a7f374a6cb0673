"""The `pmo` command: a thin adapter around the pipeline. Exit codes: 0 ok, 1 invalid data or failed
build, 2 usage or configuration error. No traceback reaches the user for an expected failure: every one is a
PmoError carrying its message and exit code, turned into both in one place (`_Commands.invoke`).

Over 400 lines: one command per subcommand, each a few options around a call into the pipeline.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import (
    ConfigurationError,
    PmoError,
    PortfolioError,
    Problem,
    WriteFailed,
    every_problem,
    format_problems,
    visible,
    warning_text,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig

    from .data.validate import Portfolio
    from .io.importer import ImportReport

AUDIENCE = click.Choice(["org", "pmo"])
DATA = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="The portfolio folder (default: the one the site configuration names, usually portfolio/).",
)
CONFIG = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    default=None,
    help="The MkDocs configuration (default: ./mkdocs.yml, else built-in settings).",
)
FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace --out even when it holds files pmo did not write (never the sources, the repository or home).",
)


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """The one place a failure becomes what the user sees: its message on stderr, its exit code."""
        try:
            return super().invoke(ctx)
        except PmoError as exc:
            _echo(exc.user_message(), err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pmo-portfolio")
def main() -> None:
    """Portfolio as code: validate the portfolio, compute its KPIs, publish one static site."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # MkDocs' end-of-life banner is not our users' business


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
def validate(data_dir: Path | None, fmt: str) -> None:
    """Check every data file and cross-reference; report all problems with file, line and field. Then check the
    rules of governance.yaml: open error findings fail the run (exit 1), warnings and info do not."""
    import json

    from .analytics.governance import GovernanceReport
    from .data.leftovers import leftovers
    from .data.load import load_portfolio
    from .data.validate import validated
    from .io.findings_report import NOT_CHECKED, annotation, count_line, entry, failing, finding_line, placed
    from .pipeline import prepare

    folder = _data_folder_given(data_dir)
    raw = load_portfolio(folder)
    for sentence in raw.notes:
        _note(sentence)
    warnings = leftovers(raw)
    portfolio, problems = validated(raw)
    if portfolio is None:  # the problems are this command's output, in the format asked for
        count = f"\n{_count(problems, warnings)}" if fmt == "text" else ""
        if fmt == "text" and "governance.yaml" in raw.files:
            count = f"\n{NOT_CHECKED}{count}"
        _echo(format_problems(problems, fmt, warnings) + count)
        sys.exit(1)
    # every rule on every item, pmo-only ones included; without rules, no analysis to wait for
    rules = portfolio.governance.rules
    report = prepare(portfolio, "pmo").governance if rules else GovernanceReport(portfolio.governance, [])
    findings = placed(portfolio, report)
    if fmt == "json":
        _echo(
            json.dumps(
                [*json.loads(format_problems([], fmt, warnings)), *map(entry, findings)], indent=2, ensure_ascii=False
            )
        )
    elif fmt == "github":
        if warnings or findings:
            _echo("\n".join(filter(None, [format_problems([], fmt, warnings), *map(annotation, findings)])))
    else:
        for warning in warnings:
            _echo(warning_text(warning))
        _echo(
            f"{folder}: valid — {len(portfolio.projects)} projects, {len(portfolio.programs)} programs, "
            f"{len(portfolio.requests)} requests" + (f"; {_count([], warnings)}" if warnings else ".")
        )
        if rules:
            _echo("\n".join([*map(finding_line, findings), count_line(report)]))
    sys.exit(1 if failing(report) else 0)


def _data_folder_given(data_dir: Path | None) -> Path:
    folder = data_dir or Path("portfolio")
    if not folder.is_dir():
        raise ConfigurationError(f"{folder} is not a folder; pass the portfolio folder with --data")
    return folder


def _count(problems: list[Problem], warnings: list[Problem]) -> str:
    """The last line of `pmo validate`: "2 problems found." and how many warnings, which do not fail the run."""
    said = []
    if problems:
        said.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    if warnings:
        said.append(
            f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}: placeholders left in the data "
            "(a TODO, or a 0 that stands for a value not entered; they do not fail validation)"
        )
    text = ", and ".join(said) + "."
    return text[0].upper() + text[1:]


@main.command()
@DATA
@CONFIG
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--audience", type=AUDIENCE, default=None, help="org (default): the organization-wide site; pmo: all.")
@click.option("--strict", is_flag=True, help="Fail on any warning, including links to missing pages and anchors.")
@click.option("--timings", is_flag=True, help="Print the seconds each pipeline stage took.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' progress messages.")
@FORCE
def build(
    data_dir: Path | None,
    config_file: Path | None,
    out_dir: Path,
    audience: str | None,
    strict: bool,
    timings: bool,
    verbose: bool,
    force: bool,
) -> None:
    """Validate, generate and build the site; the previous site stays until the new one is complete."""
    from .mkdocs_adapter.build import build_site, load_site_config
    from .pipeline import Timings

    _log_mkdocs(verbose)
    start = time.perf_counter()
    stages = Timings()
    with _site_output(out_dir):
        config = load_site_config(config_file, data_dir, audience, strict=strict)  # type: ignore[arg-type]
        _recover_first(_data_folder(config))
        build_site(config, out_dir, stages, force=force)
    if timings:
        for stage, seconds in stages.seconds.items():
            click.echo(f"{stage:>9}: {seconds:6.2f} s")
    _echo(built_message(out_dir, time.perf_counter() - start))


def built_message(out_dir: Path, seconds: float) -> str:
    """Where the site is and how to look at it. Its links name folders (projects/crm/), which a browser opening
    the files directly shows as listings: a local web server serves each folder's index.html."""
    pages = sum(1 for page in out_dir.rglob("*.html") if page.name != "404.html")
    folder = shlex.quote(str(out_dir))
    return (
        f"Built {pages} pages in {out_dir}{os.sep} in {seconds:.1f} s.\n"
        f"To view it: run `python3 -m http.server -d {folder} 8000` and browse http://127.0.0.1:8000/ "
        f"(opening {out_dir / 'index.html'} directly works for the home page only: its links name folders, "
        "which need a web server)."
    )


@main.command()
@DATA
@CONFIG
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True)
@click.option("--audience", type=AUDIENCE, default=None)
@FORCE
def generate(data_dir: Path | None, config_file: Path | None, out_dir: Path, audience: str | None, force: bool) -> None:
    """Write the complete Markdown source tree and its mkdocs.yml, for any Material-compatible builder."""
    from .mkdocs_adapter.build import load_site_config
    from .mkdocs_adapter.source_tree import write_source_tree

    _log_mkdocs(False)
    with _site_output(out_dir):
        config = load_site_config(config_file, data_dir, audience)  # type: ignore[arg-type]
        _recover_first(_data_folder(config))
        count = write_source_tree(config, out_dir, force)
    click.echo(f"Wrote {count} files and mkdocs.yml to {out_dir}.")


@main.command()
@CONFIG
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
def serve(config_file: Path | None, dev_addr: str) -> None:
    """Preview the site; editing the portfolio, the handbook or the docs rebuilds and reloads it. While the data
    is invalid, the browser shows the problems over the last good preview."""
    from .mkdocs_adapter.build import default_config_text
    from .mkdocs_adapter.preview import serve as preview

    _log_mkdocs(True)
    path = config_file or Path("mkdocs.yml")
    with tempfile.TemporaryDirectory(prefix="pmo-serve-") as scratch:
        if config_file is None and not path.exists():  # as `pmo build`: the built-in site for ./portfolio
            path = Path(scratch) / "mkdocs.yml"
            path.write_text(default_config_text(Path.cwd()), encoding="utf-8")
        if not path.is_file():
            raise ConfigurationError(f"{path}: no such MkDocs configuration file")
        preview(str(path), dev_addr)


@main.command()
@click.option("--projects", type=click.IntRange(min=1), required=True, help="How many projects.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
def demo(projects: int, out_dir: Path, seed: int) -> None:
    """Write a valid synthetic portfolio of N projects (deterministic for a seed), for scale work."""
    from .io.demo import write_demo

    try:
        write_demo(out_dir, projects, seed)
    except FileExistsError as exc:  # --out names a file, or a folder with files: usage
        raise ConfigurationError(str(exc)) from exc
    click.echo(f"Wrote a portfolio of {projects} projects to {out_dir}.")


@main.command()
@DATA
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), help="Default: the --out file's suffix.")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=None,
    help="The file to write (replaced only when complete); - or none: standard output (csv and json only).",
)
@click.option("--audience", type=AUDIENCE, default="org", show_default=True, help="org: without pmo-only projects.")
@click.option("--force", is_flag=True, help="Replace --out even when it is not a file of the format written.")
def export(data_dir: Path | None, fmt: str | None, out_file: Path | None, audience: str, force: bool) -> None:
    """Write the register, one row per project with its KPIs, as CSV, JSON or an Excel workbook."""
    from .data.transaction import replace_file
    from .io.export import FORMATS, export_bytes, register
    from .io.outputs import check_output_file
    from .pipeline import prepare, read_portfolio

    to_stdout = out_file is None or str(out_file) == "-"
    if fmt is None:
        fmt = None if out_file is None else out_file.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ConfigurationError("choose --format csv, xlsx or json (or an --out file ending in one of them)")
    folder = _data_folder_given(data_dir)
    if to_stdout and fmt == "xlsx":
        raise ConfigurationError("--format xlsx writes a workbook, not text: name the file with --out")
    if out_file is not None and not to_stdout:
        if not out_file.parent.is_dir():
            raise ConfigurationError(f"--out {out_file}: the folder {out_file.parent} does not exist")
        check_output_file(out_file, fmt, folder, force)  # type: ignore[arg-type]
    _recover_first(folder)
    with _noting("Nothing was written.", PortfolioError):
        table = register(prepare(read_portfolio(folder), audience))  # type: ignore[arg-type]
    data = export_bytes(table, fmt)  # type: ignore[arg-type]
    if out_file is None or to_stdout:
        _write_stdout_bytes(data)
        return
    try:
        replace_file(out_file, data)
    except OSError as exc:
        raise WriteFailed(f"cannot write {out_file}: {exc.strerror or exc}") from exc
    click.echo(f"Wrote {len(table.rows)} projects to {out_file}.")


@main.command()
@DATA
@CONFIG
@click.option("--version", "version", default=None, help="The version's name (default: as_of's period, e.g. 2026-10).")
@click.option(
    "--alias", "aliases", multiple=True, default=("latest",), show_default=True, help="Aliases moved to this version."
)
@click.option("--no-alias", is_flag=True, help="Publish without aliases: `latest` stays where it is.")
@click.option("--title", default=None, help="The title in the version selector (default: the version).")
@click.option("--push", is_flag=True, help="Push the branch to the remote after the commit.")
@click.option("--remote", default=None, help="The remote to push to (default: remote_name in mkdocs.yml, origin).")
@click.option("--branch", default=None, help="The branch of versions (default: remote_branch in mkdocs.yml, gh-pages).")
@click.option("-m", "--message", default=None, help="The commit message.")
@click.option("--audience", type=AUDIENCE, default=None, help="org (default): the organization-wide site; pmo: all.")
@click.option("--strict", is_flag=True, help="Fail on any warning, as pmo build --strict.")
@click.option(
    "--pack/--no-pack",
    default=None,
    help="Add the board pack (board-pack.pdf) to the version (default: yes, unless mkdocs.yml sets pack: false).",
)
def publish(
    data_dir: Path | None,
    config_file: Path | None,
    version: str | None,
    aliases: tuple[str, ...],
    no_alias: bool,
    title: str | None,
    push: bool,
    remote: str | None,
    branch: str | None,
    message: str | None,
    audience: str | None,
    strict: bool,
    pack: bool | None,
) -> None:
    """Build the site and commit it as one version of the versioned site (mike, branch gh-pages).

    Publishing a version again replaces it; other versions are never touched. The version gets a "Changes
    since <previous version>" page, its board pack (printed by Chromium: the `pack` extra) and a
    pmo-version.json naming the commit its data came from."""
    from .mkdocs_adapter.build import load_site_config
    from .mkdocs_adapter.publish import PublishOptions
    from .mkdocs_adapter.publish import publish as publish_version

    _log_mkdocs(False)
    options = PublishOptions(version, [] if no_alias else list(aliases), title, push, remote, branch, message, pack)
    with _site_output(Path("."), "The branch was not changed."):
        config = load_site_config(config_file, data_dir, audience, strict=strict)  # type: ignore[arg-type]
        _recover_first(_data_folder(config))
        done = publish_version(config, options)
    for warning in done.warnings:  # these and the reason below may quote git, the branch's files or the data
        _echo(f"Warning: {warning}", err=True)
    aliases_text = f" ({', '.join(done.aliases)})" if done.aliases else ""
    what = "Published" if done.changed else "Unchanged (already published with the same content):"
    click.echo(f"{what} version {done.version}{aliases_text} on the branch {done.branch}.")
    if done.previous and done.changes_unavailable:
        _echo(f"Warning: no changes since {done.previous}: {done.changes_unavailable}.", err=True)
    elif done.previous:
        _echo(f'Its page "Changes since {done.previous}" lists what moved since that version.')
    if done.pushed:
        click.echo(f"Pushed {done.branch} to {done.remote}.")


@main.command()
@DATA
@click.option("--audience", type=AUDIENCE, default="org", show_default=True, help="org: without pmo-only projects.")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("board-pack.pdf"),
    show_default=True,
    help="The PDF to write (replaced only when complete).",
)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@click.option(
    "--since",
    default=None,
    metavar="REV|FOLDER",
    help="What to say the changes since: a git revision of the data or a portfolio folder (default: the newest "
    "version on the gh-pages branch before this period, when there is one).",
)
@click.option("--force", is_flag=True, help="Replace --out even when it is not a PDF.")
def pack(data_dir: Path | None, audience: str, out_file: Path, paper: str, since: str | None, force: bool) -> None:
    """Write the board pack: one PDF for the reporting period (cover, executive summary, exceptions, decisions
    needed, a page per program, an appendix per red or amber project). Needs Chromium and the `pack` extra."""
    from .data.transaction import replace_file
    from .io.outputs import check_output_file
    from .io.pdf import check_printer
    from .mkdocs_adapter.publish import published_baseline
    from .pages.changes import Baseline
    from .pipeline import board_pack_pdf, read_portfolio

    folder = _data_folder_given(data_dir)
    if not out_file.parent.is_dir():
        raise ConfigurationError(f"--out {out_file}: the folder {out_file.parent} does not exist")
    check_output_file(out_file, "pdf", folder, force)
    check_printer()  # a missing Chromium is said before the data is read
    _recover_first(folder)
    with _noting("Nothing was written.", PortfolioError):
        portfolio = read_portfolio(folder)
        if since is not None:
            label, before = _portfolio_state(since, folder)
            baseline: Baseline | None = Baseline(label, "this pack", before)
        else:
            baseline = published_baseline(folder, portfolio.settings.as_of)
        data = board_pack_pdf(portfolio, audience, paper, baseline)  # type: ignore[arg-type]
    try:
        replace_file(out_file, data)
    except OSError as exc:
        raise WriteFailed(f"cannot write {out_file}: {exc.strerror or exc}") from exc
    _echo(f"Wrote the board pack ({audience}, {paper}) to {out_file}.")


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@DATA
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option(
    "--audience",
    type=AUDIENCE,
    default="pmo",
    show_default=True,
    help="pmo: every change; org: only what the organization-wide site shows.",
)
def diff(base: str, head: str | None, data_dir: Path | None, fmt: str, audience: str) -> None:
    """What changed from BASE to HEAD: projects added, closed or cancelled, RAG, phase, dates, budgets, risks and
    change requests. BASE and HEAD are git revisions or portfolio folders; HEAD defaults to the working tree."""
    import json

    from .analytics.diff import compare
    from .io.diff_report import to_data, to_markdown
    from .pipeline import prepare

    folder = data_dir or Path("portfolio")
    (base_label, before), (head_label, after) = every_problem(
        lambda: _portfolio_state(base, folder), lambda: _portfolio_state(head, folder)
    )
    changes = compare(
        prepare(before, audience),  # type: ignore[arg-type]
        prepare(after, audience),  # type: ignore[arg-type]
        base_label,
        head_label,
    )
    if fmt == "json":
        _echo(json.dumps(to_data(changes), indent=2, ensure_ascii=False))
    else:
        _echo(to_markdown(changes), nl=False)


def _portfolio_state(spec: str | None, folder: Path) -> tuple[str, Portfolio]:
    """One side of `pmo diff`: a portfolio folder, a git revision of the data folder, or (None) the working tree."""
    from .io.gitdata import GitError, data_path, portfolio_at
    from .pipeline import read_portfolio

    if spec is None or Path(spec).is_dir():
        path = _data_folder_given(folder if spec is None else Path(spec))
        _recover_first(path)
        return ("the working tree" if spec is None else spec), read_portfolio(path)
    try:
        root, data = data_path(folder)
        return spec, portfolio_at(root, spec, data)
    except GitError as exc:  # a usage error here: neither a folder nor a revision
        raise ConfigurationError(
            f"{spec} is neither a folder nor a revision of the portfolio's repository: {exc}"
        ) from exc


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schemas"),
    show_default=True,
    help="The folder to write the schemas to.",
)
def schema(out_dir: Path) -> None:
    """Write the JSON Schemas of the data files (and of import mappings), for editors."""
    from .io.schema import write_schemas

    try:
        written = write_schemas(out_dir)
    except OSError as exc:
        raise WriteFailed(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
    click.echo(f"Wrote {len(written)} schemas to {out_dir}: {', '.join(path.name for path in written)}.")


@main.command("new")
@click.argument("kind", type=click.Choice(["project", "program", "request"]))
@click.argument("entity_id", metavar="ID")
@DATA
@click.option("--name", default=None, help="The name (default: made from the id).")
@click.option("--program", default=None, help="The program id (project, request; default: the first program).")
@click.option("--manager", default=None, help="The manager's person id (default: the program's, or the first person).")
@click.option("--sponsor", default=None, help="The sponsor's person id (project; default: the program's sponsor).")
def new(
    kind: str,
    entity_id: str,
    data_dir: Path | None,
    name: str | None,
    program: str | None,
    manager: str | None,
    sponsor: str | None,
) -> None:
    """Write a new project, program or request file from the commented template."""
    from .data.transaction import data_writes
    from .io.templates import new_file, placeholders

    folder = _data_folder_given(data_dir)
    with data_writes(folder) as undone:
        _notes(undone)
        path = new_file(folder, kind, entity_id, name=name, program=program, manager=manager, sponsor=sponsor)
    todo = placeholders(path)
    fill_in = f"fill in the fields marked TODO ({', '.join(todo)}), then run" if todo else "check it with"
    _echo(f"Wrote {path}: {fill_in} pmo validate.")


@main.command("import")
@click.argument("table", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="The mapping file: how the register's columns become fields.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("portfolio"),
    show_default=True,
    help="The portfolio folder to write into (created when missing).",
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.option("--overwrite", is_flag=True, help="Replace existing files that differ (never done otherwise).")
@click.option("-v", "--verbose", is_flag=True, help="List every withheld value, not only their count.")
def import_(table: Path, mapping_file: Path, data_dir: Path, dry_run: bool, overwrite: bool, verbose: bool) -> None:
    """Turn a CSV or XLSX register into one YAML file per row, as the mapping says."""
    from .data.transaction import data_writes
    from .io.import_mapping import MappingError, load_mapping
    from .io.importer import ImportFailure, run_import

    with _noting("The mapping has problems; nothing was imported.", MappingError):
        mapping = load_mapping(mapping_file)
    with data_writes(data_dir, dry_run=dry_run) as undone, _noting("Nothing was imported.", ImportFailure):
        _notes(undone)
        report = run_import(table, mapping, data_dir, overwrite=overwrite, dry_run=dry_run)
    _echo(_import_summary(report, verbose))
    if report.problems or report.portfolio_problems:
        sys.exit(1)


def _import_summary(report: ImportReport, verbose: bool) -> str:
    from collections import Counter

    lines = [f"Read {report.rows_read} rows from {report.table}."]
    if report.skipped_empty:
        lines[0] += f" Skipped {report.skipped_empty} empty rows."
    if report.notes:
        counts = Counter(note.field for note in report.notes)
        rows = len({note.row for note in report.notes})
        lines.append(
            f"Withheld by the source in {rows} rows, left empty with the source's reason: "
            + ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
            + ("." if verbose else " (--verbose lists them).")
        )
        if verbose:
            lines += [f"  {note}" for note in report.notes]
    if report.problems:
        failed = report.failed_rows
        lines.append(f"Not imported: {len(failed)} row{'s' if len(failed) != 1 else ''}:")
        lines += [f"  {problem}" for problem in report.problems]
    if report.portfolio_problems:
        lines.append("The portfolio would not pass pmo validate; nothing was written:")
        lines += [f"  {problem}" for problem in report.portfolio_problems]
        return "\n".join(lines)
    written = report.written
    parts = [
        f"{len(written[folder])} {folder}" for folder in ("projects", "programs", "requests") if written.get(folder)
    ]
    parts += written.get("", [])
    verb = "Would write" if report.dry_run else "Wrote"
    target = f" to {report.folder}" if parts else ""
    lines.append(
        f"{verb} {', '.join(parts) or 'nothing'}{target}"
        + (f"; {len(report.unchanged)} files unchanged." if report.unchanged else ".")
    )
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    return "\n".join(lines)


def _note(sentence: str) -> None:
    _echo(f"Note: {sentence[0].upper()}{sentence[1:]}.", err=True)


def _notes(sentences: list[str]) -> None:
    for sentence in sentences:
        _note(sentence)


def _recover_first(folder: Path | None) -> None:
    """Undo what a killed pmo import or pmo new left half done in the data folder before a command reads it,
    saying so on stderr; when it cannot be undone, the read reports that as a problem of the folder."""
    from .data.transaction import recover

    if folder is None:
        return
    try:
        sentences = recover(folder)
    except (OSError, ValueError):
        return
    _notes(sentences)


def _data_folder(config: MkDocsConfig) -> Path | None:
    plugin = config.plugins.get("pmo")
    return getattr(plugin, "data_dir", None)


@contextlib.contextmanager
def _noting(note: str, *kinds: type[PmoError]) -> Iterator[None]:
    """What the command knows of a failure of these kinds, added to its message: what was left as it was."""
    try:
        yield
    except kinds as exc:
        exc.add_note(note)
        raise


@contextlib.contextmanager
def _site_output(out_dir: Path, unchanged: str | None = None) -> Iterator[None]:
    """Around a command that writes a site (or commits one): the output folder's refusal as an error, and on
    the failures after which the output is as it was, a note saying so."""
    from .mkdocs_adapter.build import BuildFailed, SiteNotWritten, output_errors

    note = unchanged or f"Nothing in {out_dir} was changed."
    with _noting(note, PortfolioError, BuildFailed, SiteNotWritten), output_errors(out_dir):
        yield


def _log_mkdocs(verbose: bool) -> None:
    """MkDocs' warnings (and with --verbose its progress) on the current stderr, in its usual format."""
    logger = logging.getLogger("mkdocs")
    for old in [h for h in logger.handlers if getattr(h, "_pmo", False)]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)  # the current stderr: tests and callers may swap it
    handler.setFormatter(_VisibleFormatter("%(levelname)-7s -  %(message)s"))
    handler._pmo = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


class _VisibleFormatter(logging.Formatter):
    """MkDocs' messages name docs and handbook files, which a pull request names: no raw control character."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def _write_stdout_bytes(data: bytes) -> None:
    """Bytes to standard output as they are (no newline translation), through the text stream's own buffer,
    which is what click.get_binary_stream returned before Click 8.5 deprecated it. A reader that closes the
    pipe early (`pmo export | head`) is handled by click's main."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print text that may quote the data (names, values, file names): never a raw control character."""
    click.echo(visible(text), err=err, nl=nl)


if __name__ == "__main__":
    main()
