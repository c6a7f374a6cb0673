"""The PMO's templates: which exist, when each is used, and their downloads.

Documents are Markdown files kept with the handbook (methodology/templates/_files/), registers are Excel
workbooks made from the data model (registers.py). The `templates` marker lists them all; the `template`
marker puts one template's downloads on its page, with a preview of a document or the columns of a register.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..widgets.blocks import html_block
from ..widgets.markup import Markup, escape, join, tag
from ..widgets.md import page_url, table, table_html
from .context import HANDBOOK, MarkerError, download_name
from .registers import BY_FILE, HELP, allowed
from .tasks import KEY_TASKS

if TYPE_CHECKING:
    from .context import Context

FILES = f"{HANDBOOK}/templates/files"


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    files: tuple[str, ...]  # downloads, by the name they are saved under
    when: str

    @property
    def page(self) -> str:
        return f"templates/{self.id}.md"


TEMPLATES: dict[str, Template] = {
    t.id: t
    for t in (
        Template("project-charter", "Project charter (PID)", ("project-charter.md",), "Planning, for G2"),
        Template("business-case", "Business case", ("business-case.md",), "Assessment, for G1"),
        Template("status-report", "Status report", ("status-report.md",), "Every month; steering committees"),
        Template("risk-register", "Risk register", ("risk-register.xlsx",), "Planning to closure"),
        Template("issue-log", "Issue log", ("issue-log.xlsx",), "Execution to closure"),
        Template(
            "change-request",
            "Change request",
            ("change-request.md", "change-log.xlsx"),
            "Whenever the baseline must change",
        ),
        Template("stakeholder-map", "Stakeholder map", ("stakeholder-map.md",), "Initiation; reviewed each stage"),
        Template("communication-plan", "Communication plan", ("communication-plan.md",), "Planning, for G2"),
        Template("closure-report", "Closure report", ("closure-report.md",), "Closing, for G4"),
        Template(
            "post-implementation-review",
            "Post-implementation review and lessons learned",
            ("post-implementation-review.md", "lessons-log.xlsx"),
            "3 to 6 months after go-live",
        ),
    )
}


def _href(page: str, target: str) -> str:
    return "../" * page_url(page).count("/") + target


def _download(context: Context, name: str) -> tuple[Markup, str]:
    """The link to one download (which must exist in the site) and its description."""
    target = f"{FILES}/{download_name(name)}"
    size = _size(context, target)
    if size is None:
        raise MarkerError(f"there is no download {name}: put the file in the handbook's templates/_files/ folder")
    kind = "Excel workbook" if name.endswith(".xlsx") else "Markdown document"
    anchor = tag("a", name, href=_href(context.page, target), download=name)
    return anchor, f"{kind}, {max(1, round(size / 1024))} KB"


def _size(context: Context, target: str) -> int | None:
    if target in context.tree.assets:
        return len(context.tree.assets[target])
    source = context.tree.copies.get(target)
    return source.stat().st_size if source is not None else None


def template(context: Context, args: dict[str, str]) -> str:
    known = TEMPLATES.get(args.get("id", ""))
    if known is None:
        raise MarkerError(f'id="{args.get("id", "")}" is not a template; use one of: {", ".join(TEMPLATES)}')
    parts = []
    links = [_download(context, name) for name in known.files]
    items = join(tag("li", anchor, f" ({what})") for anchor, what in links)
    parts.append(html_block(tag("div", tag("p", tag("strong", "Download")), tag("ul", items), class_="pmo-downloads")))
    for name in known.files:
        if name.endswith(".md"):
            source = context.tree.copies[f"{FILES}/{download_name(name)}"]
            text = str(escape(source.read_text(encoding="utf-8")))
            # no blank line inside the block (it would end it for a Markdown parser): &#10; is a newline in <pre>
            text = "\n".join(line.rstrip() for line in text.splitlines()).replace("\n\n", "\n&#10;")
            summary = tag("summary", f"Preview of {name}")
            parts.append(html_block(tag("details", summary, tag("pre", tag("code", Markup(text))))))
        elif name in BY_FILE:
            register = BY_FILE[name]
            rows = [
                (
                    tag("code", c.key),
                    "yes" if c.required else "no",
                    allowed(c),
                    HELP.get(c.key, ""),
                )
                for c in register.columns()
            ]
            parts.append(
                html_block(
                    table_html(
                        ["Column", "Required", "Allowed values", "Meaning"],
                        rows,
                        caption=join(
                            [
                                f"The columns of {name}: the keys of ",
                                tag("code", register.yaml_list),
                                " in a project file.",
                            ]
                        ),
                    )
                )
            )
    return "".join(parts)


def templates_table(context: Context, args: dict[str, str]) -> str:
    rows = []
    for t in TEMPLATES.values():
        tasks = join(
            (
                context.handbook_link(f"key-tasks.md#{task.id}", task.name)
                for task in KEY_TASKS
                if t.id in task.templates
            ),
            ", ",
        )
        downloads = join((anchor for anchor, _ in (_download(context, name) for name in t.files)), tag("br"))
        rows.append((context.handbook_link(t.page, t.name), t.when, downloads, tasks or "—"))
    return table(["Template", "When", "Download", "Used for"], rows)
