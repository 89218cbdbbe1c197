"""The ``gaireports`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .compiled import build_kind

    click.echo(f"gaireports, version {__version__} (parsing modules: {build_kind()})")
    ctx.exit()


@click.group()
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the version, and whether the parsing modules run compiled, and exit.")
def cli() -> None:
    """Build, export and describe the database of 政府信息公开工作年度报告."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", "db_path", default="gaireports.db", show_default=True, type=click.Path(dir_okay=False),
              help="Database to write (replaced atomically at the end)")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file is unparsed")
@click.option("--max-bytes", type=click.IntRange(min=1), default=50 * 2**20, show_default=True,
              help="Files larger than this are recorded as unparsed (too large)")
@click.option("--max-seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="A file taking longer to parse is recorded as unparsed (too slow); 0 for no limit")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes parsing in parallel (default: the machine's cores; 1 parses in this process)")
@click.option("--dask", "dask_address", metavar="ADDRESS", default=None,
              help="Parse on the workers of this Dask scheduler (e.g. tcp://scheduler:8786) instead of --jobs "
                   "processes; needs the dask extra")
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating an existing --db")
@click.option("--in-place", is_flag=True,
              help="Update an existing --db in the file itself, in one transaction, instead of on a copy that "
                   "replaces it (no copy of a large database; not for a file served with datasette -i)")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar")
def build(inputs: tuple[str, ...], db_path: str, strict: bool, max_bytes: int, max_seconds: float,
          jobs: int | None, dask_address: str | None, full: bool, in_place: bool, quiet: bool) -> None:
    """Parse every report under INPUTS (files or folders, recursively) into --db.

    Each file is named by its path below the folder given (below the folder
    they share, for several INPUTS). An existing --db is updated: files it
    already holds unchanged are skipped, files an older parser read are read
    again, reports whose file is gone are removed (--full rebuilds everything).
    The update is written to a copy that replaces --db at the end, or with
    --in-place into --db itself within one transaction. A --db that is neither
    empty nor a database a build wrote is left alone: the build stops.
    """
    from .build import Budget, Unreplaceable, default_jobs
    from .build import build as run_build
    from .distributed import ClusterError, require_distributed
    from .progress import progress_bar

    if dask_address is not None:
        if jobs is not None and jobs > 1:
            raise click.UsageError("--jobs and --dask cannot be combined: with --dask the cluster's workers parse")
        try:
            require_distributed()
        except ImportError as exc:
            raise click.ClickException(str(exc)) from exc
    try:
        with progress_bar(enabled=not quiet) as progress:
            summary = run_build(inputs, db_path, Budget(max_bytes=max_bytes, max_seconds=max_seconds),
                                jobs=jobs or default_jobs(), full=full, in_place=in_place, progress=progress,
                                dask=dask_address)
    except (ClusterError, Unreplaceable) as exc:
        raise click.ClickException(f"{exc}; {db_path} was left as it was") from exc
    for line in summary.lines():
        click.echo(line)
    click.echo(f"database written: {db_path}")
    if strict and summary.unparsed:
        sys.exit(1)


@cli.command()
@click.option("--db", "db_path", default="gaireports.db", show_default=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default stdout)")
def export(db_path: str, output) -> None:
    """Write one JSON object per report (JSON Lines)."""
    from .dbfile import NotABuild
    from .export import export_lines

    try:
        for line in export_lines(db_path):
            output.write(line + "\n")
    except NotABuild as exc:
        raise click.ClickException(str(exc)) from exc


@cli.command()
@click.option("--db", "db_path", default="gaireports.db", show_default=True, type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, type=click.Path(exists=True))
def verify(db_path: str, sources: tuple[str, ...]) -> None:
    """Check a database: integrity, foreign keys, checks recomputed from its cells, and SOURCES' sha256."""
    import sqlite3

    from .dbfile import NotABuild
    from .verify import verify as run_verify

    try:
        result = run_verify(db_path, sources)
    except (FileNotFoundError, NotABuild) as exc:
        raise click.ClickException(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{db_path}: not a sound SQLite database ({exc})") from exc
    for line in result.lines():
        click.echo(line)
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.option("--datapackage", "datapackage_path", default="datapackage.json", show_default=True)
@click.option("--metadata", "metadata_path", default="metadata.yml", show_default=True)
@click.option("--db-name", default="gaireports.db", show_default=True, help="Database file the datapackage points at")
@click.option("--check", is_flag=True, help="Exit non-zero if the files differ from what would be written")
def describe(datapackage_path: str, metadata_path: str, db_name: str, check: bool) -> None:
    """Write datapackage.json and metadata.yml from the family definitions."""
    from .describe import datapackage_text, metadata_text

    wanted = {datapackage_path: datapackage_text(db_name), metadata_path: metadata_text()}
    stale = [p for p, text in wanted.items() if not Path(p).exists() or Path(p).read_text(encoding="utf-8") != text]
    if check:
        if stale:
            click.echo(f"stale: {', '.join(stale)} (run: gaireports describe)", err=True)
            sys.exit(1)
        click.echo("up to date")
        return
    for p, text in wanted.items():
        Path(p).write_text(text, encoding="utf-8")
        click.echo(f"wrote {p}")


if __name__ == "__main__":
    cli()
