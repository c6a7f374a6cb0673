"""`pmo publish`: build the site and deploy it as one version of a versioned site on a git branch, with mike.

mike keeps every version in its own folder of the branch (gh-pages by default) and lists them in `versions.json`,
which Material's version selector reads. We drive mike's Python API rather than its command: the site is then
built by our own pipeline (validated first, built into a temporary folder that nothing else reads, --strict
honoured), and mike only commits that folder. Publishing a version replaces that version's folder and its
aliases' folders, and nothing else.

How a version finds the data of the one before it, for its "Changes since" page: each version's folder holds
`pmo-version.json` with the commit its data came from and the data folder's path. The next publish reads that
file from the branch and takes the data folder of that commit out of the local repository (`git ls-tree`, then
`git cat-file`). So the CI checkout needs the full history (`fetch-depth: 0`); where the commit cannot be had, or
its data cannot be compared (a symbolic link in it, say), the page says so and the publish still succeeds.
Storing the commit rather than a copy of the data keeps pmo-only data off the published branch.

The record also holds the version's audience and what changed (the summary of its "Changes since" page): the
branch's change feed (change_feed.py) is rebuilt from the records after each publish.
"""

from __future__ import annotations

import contextlib
import json
import posixpath
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..errors import BIDI_CONTROLS, ConfigurationError, PortfolioError, visible
from ..io.gitdata import GitError, UnknownRevision, data_path, git, is_dirty, portfolio_at, resolve
from ..io.pdf import check_printer
from ..pages.changes import Baseline
from ..pipeline import Timings, read_portfolio
from .build import build_site, pmo_plugin
from .change_feed import FEED, SITEMAP, write_feed

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from mike.versions import Versions
    from mkdocs.config.defaults import MkDocsConfig

RECORD = "pmo-version.json"  # in each version's folder: where its data came from


@dataclass
class PublishOptions:
    version: str | None = None  # default: the reporting period of as_of
    aliases: list[str] = field(default_factory=lambda: ["latest"])
    title: str | None = None
    push: bool = False
    remote: str | None = None  # default: mkdocs.yml's remote_name (origin)
    branch: str | None = None  # default: mkdocs.yml's remote_branch (gh-pages)
    message: str | None = None
    pack: bool | None = None  # add the board pack; None: unless mkdocs.yml's `pack` is false


@dataclass
class Published:
    version: str
    branch: str
    remote: str
    aliases: list[str]
    previous: str | None  # the version the "Changes since" page compares with
    changes_unavailable: str  # why that page could not list the changes ("" when it could)
    changed: bool  # False when the same version was already published with the same content
    pushed: bool
    warnings: list[str] = field(default_factory=list)


def period(as_of: dt.date) -> str:
    """The default version: the reporting period (month) of as_of, e.g. 2026-10."""
    return f"{as_of:%Y-%m}"


def publish(config: MkDocsConfig, options: PublishOptions, timings: Timings | None = None) -> Published:
    """Build and commit one version to the branch (and push it). Raises PortfolioError for bad data,
    ConfigurationError for a bad setup, GitError when git refuses, MkDocs' errors when the build fails."""
    from mike import commands
    from mike import git_utils as mike_git

    timings = timings or Timings()
    branch = options.branch or config.remote_branch or "gh-pages"
    remote = options.remote or config.remote_name or "origin"
    plugin = pmo_plugin(config)
    portfolio = read_portfolio(plugin.data_dir, timings)  # bad data fails before the branch is touched
    plugin.publishing = True
    if options.pack is not None:
        plugin.config.pack = options.pack
    if plugin.prints_pack():
        try:
            check_printer()  # so does a board pack that cannot be printed
        except ConfigurationError as exc:
            exc.add_note(
                "Every published version keeps its board pack; to publish without it, run pmo publish --no-pack "
                "or set `pack: false` under the pmo plugin in mkdocs.yml."
            )
            raise
    version = options.version or period(portfolio.settings.as_of)
    check_names(version, options.aliases, remote, options.title)  # refused before git is asked anything
    try:
        root, data = data_path(plugin.data_dir)
    except GitError as exc:
        raise ConfigurationError(f"pmo publish commits to a git branch: {exc}") from None
    check_branch(root, branch, remote, push=options.push)
    mike_config = _mike_options(config)
    prefix = mike_config.get("deploy_prefix") or ""
    result = Published(version, branch, remote, list(options.aliases), None, "", True, False)
    with contextlib.chdir(root), _git_errors():  # mike runs git in the working folder
        if options.push:
            _fetch(root, remote, branch)
        mike_git.update_from_upstream(remote, branch)
        versions = commands.list_versions(branch, prefix)
        previous = previous_version(versions, version)
        plugin.version = version
        plugin.baseline = None
        if previous is not None:
            plugin.baseline = _baseline(root, branch, prefix, previous, version)
            result.previous, result.changes_unavailable = previous, plugin.baseline.unavailable
        commit = _head(root)
        if commit is None:
            result.warnings.append("the repository has no commit yet: the next version cannot list its changes")
        elif is_dirty(root, data):
            result.warnings.append(
                f"{data}/ has uncommitted changes: this version records commit {commit[:7]}, which does not hold them"
            )
        record: dict[str, Any] = {
            "version": version,
            "as_of": portfolio.settings.as_of.isoformat(),
            "commit": commit,
            "data": data,
            "audience": plugin.config.audience,
            "since": previous,
        }
        site_root = urljoin(config.site_url, prefix + "/" if prefix else "") if config.site_url else None
        if site_root is not None:  # canonical URLs point into the version's folder
            config.site_url = urljoin(site_root, version + "/")
            # a calendar subscription follows the default alias, which moves to each new version
            plugin.feed_url = urljoin(site_root, (options.aliases[0] if options.aliases else version) + "/")
        message = options.message or (
            f"Publish {version} (as of {record['as_of']}) from {commit[:7] if commit else 'no commit'} with pmo"
        )
        with tempfile.TemporaryDirectory(prefix="pmo-publish-") as tmp:
            out = Path(tmp) / "site"
            try:
                with commands.deploy(
                    {"site_dir": str(out), "use_directory_urls": True},
                    version,
                    options.title,
                    options.aliases,
                    update_aliases=True,  # `latest` moves to this version
                    alias_type=commands.AliasType[mike_config.get("alias_type") or "copy"],
                    template=mike_config.get("redirect_template"),
                    branch=branch,
                    message=message,
                    deploy_prefix=prefix,
                ):
                    build_site(config, out, timings, mark=False)  # the branch gets no marker
                    record["summary"] = plugin.change_summary
                    (out / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            except mike_git.GitEmptyCommit:
                result.changed = False  # the same version with the same content: nothing to commit
        default = options.aliases[0] if options.aliases else None
        if default is not None or not _has_file(branch, posixpath.join(prefix, "index.html")):
            # the site's root opens the default version (`latest`); a publish without aliases leaves it alone
            with contextlib.suppress(mike_git.GitEmptyCommit):
                commands.set_default(default or version, branch=branch, deploy_prefix=prefix, message=message)
        organization = portfolio.settings.organization
        result.changed |= write_feed(branch, prefix, RECORD, organization, plugin.config.audience, site_root, message)
        if options.push:
            try:
                mike_git.push_branch(remote, branch)
            except mike_git.GitError as exc:
                raise GitError(
                    f"{_trimmed(exc)}\nThe version is committed on the local branch {branch}: push it with "
                    f"`git push {remote} {branch}` or run pmo publish --push again."
                ) from None
            result.pushed = True
    return result


def published_baseline(data_dir: Path, as_of: dt.date, branch: str = "gh-pages") -> Baseline | None:
    """For `pmo pack` without --since: the newest version published on the local branch before as_of's period,
    with its data, as the next publish would compare with; None when there is no repository, branch or such
    version (the pack then says there is nothing to compare with)."""
    from mike import commands
    from mike import git_utils as mike_git

    try:
        root, _ = data_path(data_dir)
        with contextlib.chdir(root):
            previous = previous_version(commands.list_versions(branch, ""), period(as_of))
            return None if previous is None else _baseline(root, branch, "", previous, period(as_of))
    except (GitError, mike_git.GitError, OSError, ValueError):
        return None


def previous_version(versions: Versions, version: str) -> str | None:
    """The newest published version older than `version`, in mike's order: 2026-09 before 2026-10, and names
    without a leading digit ("dev") after every numbered one."""
    target = _order(version)
    for info in versions:  # newest first
        name = str(info.version)
        if name != version and _older(_order(name), target):
            return name
    return None


def _order(name: str) -> tuple[int, Any]:
    from mike.versions import Version  # mike's own order of versions, whichever library mike uses for it

    return (0 if re.match(r"v?\d", name) else 1, Version(name))


def _older(a: tuple[int, Any], b: tuple[int, Any]) -> bool:
    try:
        return a < b
    except TypeError:  # names of different shapes: compare as text
        return (a[0], str(a[1])) < (b[0], str(b[1]))


def _baseline(root: Path, branch: str, prefix: str, previous: str, current: str) -> Baseline:
    """The previous version's data, from the commit its record names; or why it cannot be had."""
    from mike import git_utils as mike_git

    def unavailable(reason: str) -> Baseline:
        return Baseline(previous, current, None, reason)

    try:
        record = json.loads(mike_git.read_file(branch, posixpath.join(prefix, previous, RECORD)))
    except (mike_git.GitError, ValueError):
        return unavailable(f"version {previous} was not published with pmo publish (it has no {RECORD})")
    commit, data = (record.get("commit"), record.get("data")) if isinstance(record, dict) else (None, None)
    if not isinstance(commit, str) or not isinstance(data, str):
        return unavailable(f"the {RECORD} of version {previous} names no commit")
    if PurePosixPath(data).is_absolute() or ".." in PurePosixPath(data).parts:
        return unavailable(f"the {RECORD} of version {previous} names a data folder outside the repository")
    try:
        portfolio = portfolio_at(root, commit, data, label=commit[:7])
    except UnknownRevision:
        return unavailable(
            f"its data (commit {commit[:7]}) is not in this clone of the repository; publish from a clone with "
            "the full history"
        )
    except GitError as exc:
        return unavailable(f"its data (commit {commit[:7]}) cannot be read: {exc}")
    except PortfolioError as exc:  # one bad commit must not stop every later publish: the page says why
        first, more = exc.problems[0], len(exc.problems) - 1
        others = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        return unavailable(f"its data (commit {commit[:7]}) cannot be compared: {first}{others}")
    return Baseline(previous, current, portfolio)


# A version or alias names a folder of the branch and a line of versions.json; a remote is a word of git's
# command line. Nothing that could be an option, a path, markup or one of the files mike keeps beside them.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# The version selector inserts a title as HTML: no markup characters, no control or bidi characters, no essay.
_UNSAFE_TITLE = re.compile(f"[<>&\"'\\x00-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]|.{{81}}")
_NAME_RULE = "1 to 64 letters, digits, dots, hyphens and underscores, starting with a letter or digit, without '..'"
_BRANCH_FILES = frozenset({"versions.json", "index.html", "404.html", FEED, SITEMAP})


def check_names(version: str, aliases: list[str], remote: str, title: str | None = None) -> None:
    """Refuse a version, alias or remote name outside the allow-list, and a title the version selector would
    read as markup (Material inserts it as HTML); ConfigurationError says what is allowed."""
    if title is not None and (not title.strip() or _UNSAFE_TITLE.search(title)):
        raise ConfigurationError(
            f"{visible(title)!r} cannot be a version's title: use up to 80 letters, digits, spaces and punctuation "
            "other than < > & \" '"
        )
    for what, name in [("a version", version), *(("an alias", alias) for alias in aliases), ("a remote", remote)]:
        if not _NAME.fullmatch(name) or ".." in name or name in _BRANCH_FILES:
            raise ConfigurationError(f"{name!r} cannot name {what}: use {_NAME_RULE}")
    if version in aliases:
        raise ConfigurationError(f"the alias {version!r} is the version's own name: give the alias another name")


def check_branch(root: Path, branch: str, remote: str, *, push: bool = False) -> None:
    """Refuse a branch of versions that git would not take as a new branch's name, that names another kind of ref,
    or that holds the sources: committing the site there would bury the data under it. Read-only git commands."""
    rule = "publish to a branch of its own, such as gh-pages (--branch, or remote_branch in mkdocs.yml)"
    special = branch.startswith(("-", "refs/")) or branch in {"HEAD", "@"}  # git takes these for HEAD or options
    if special or _git_answer(root, ["check-ref-format", "--branch", branch]) != branch:
        raise ConfigurationError(f"{branch!r} is not a valid branch name: {rule}")
    full = _git_answer(root, ["rev-parse", "--symbolic-full-name", branch, "--"]).partition("\n")[0]  # mike's ref
    if full and full != f"refs/heads/{branch}":
        raise ConfigurationError(f"{branch!r} names {full}, not a branch: {rule}")
    if branch in _checked_out(root):
        raise ConfigurationError(f"the branch {branch!r} is checked out: it holds the sources; {rule}")
    head = _head(root)
    for ref in (f"refs/heads/{branch}", f"refs/remotes/{remote}/{branch}"):
        tip = _git_answer(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"])
        if head and tip and (_is_ancestor(root, tip, head) or _is_ancestor(root, head, tip)):
            raise ConfigurationError(
                f"the branch {branch!r} holds the sources (it contains, or is contained in, commit {head[:7]}, "
                f"which the data comes from), so the site would be committed on top of them; {rule}"
            )
    if push and remote not in git(["remote"], root).split():
        raise ConfigurationError(f"this repository has no remote {remote!r}: name one that `git remote` lists")


def _git_answer(root: Path, args: list[str]) -> str:
    """What git prints for a question, "" when it answers with a failure."""
    try:
        return git(args, root).strip()
    except GitError:
        return ""


def _checked_out(root: Path) -> set[str]:
    """The branches checked out in the repository's work trees."""
    listing = _git_answer(root, ["worktree", "list", "--porcelain"])
    current = _git_answer(root, ["symbolic-ref", "--quiet", "HEAD"])  # an unborn branch is not listed above
    refs = {line.removeprefix("branch ") for line in listing.splitlines() if line.startswith("branch ")} | {current}
    return {ref.removeprefix("refs/heads/") for ref in refs if ref.startswith("refs/heads/")}


def _is_ancestor(root: Path, older: str, newer: str) -> bool:
    try:
        git(["merge-base", "--is-ancestor", older, newer], root)
    except GitError:
        return False
    return True


def _mike_options(config: MkDocsConfig) -> dict[str, Any]:
    """alias_type, redirect_template and deploy_prefix from the mike plugin's settings, when mkdocs.yml lists it.
    Aliases default to copies rather than mike's symbolic links: GitLab Pages and some servers do not follow them."""
    plugin = config.plugins.get("mike")
    return dict(plugin.config) if plugin is not None else {}


def _fetch(root: Path, remote: str, branch: str) -> None:
    """Bring the remote's branch in first: a version is added to what is published, never to a stale copy."""
    try:
        git(
            ["fetch", "--quiet", "--end-of-options", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"],
            root,
        )
    except GitError as exc:
        if "couldn't find remote ref" not in str(exc):  # a first publish: the remote has no such branch yet
            raise GitError(
                f"cannot fetch the branch {branch} from the remote {remote} before publishing: {exc}"
            ) from None


def _head(root: Path) -> str | None:
    try:
        return resolve(root, "HEAD")
    except GitError:
        return None


def _has_file(branch: str, path: str) -> bool:
    from mike import git_utils as mike_git

    try:
        mike_git.file_mode(branch, path)
    except mike_git.GitError:
        return False
    return True


@contextlib.contextmanager
def _git_errors() -> Iterator[None]:
    """mike's git failures (a diverged branch, a refused push) as our GitError, with mike's explanation."""
    from mike import git_utils as mike_git

    try:
        yield
    except mike_git.GitBranchDiverged as exc:
        raise GitError(f"{exc}: the local branch has commits the remote lacks; delete it or push it first") from None
    except mike_git.GitError as exc:
        hint = ""
        if "user.name" in str(exc) or "user.email" in str(exc):
            hint = "; a commit needs a committer: set git config user.name and user.email"
        raise GitError(f"{_trimmed(exc)}{hint}") from None


def _trimmed(exc: Exception) -> str:
    """mike quotes git's whole message; its lines keep git's padding ("remote: …    ")."""
    return "\n".join(line.rstrip() for line in str(exc).strip().splitlines())
