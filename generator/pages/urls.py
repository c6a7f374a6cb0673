"""Where each generated page and shared script lives in the site (source paths; `md.page_url` turns one into its
URL). Every module that links to a page imports its path from here, not from the page's module. The paths of
the pages made once per entity (`project_path`, `program_path`, ...) are in widgets/md.py, beside the links."""

HOME, REGISTER, PROGRAMS, OBJECTIVES, REQUESTS, CALENDAR = (
    "index.md",
    "projects/index.md",
    "programs/index.md",
    "objectives/index.md",
    "requests/index.md",
    "calendar.md",
)
ATTENTION = "attention.md"  # every project needing attention; the home page shows the first few
BENEFITS = "benefits.md"
CAPACITY = "capacity.md"
CHANGES = "changes.md"
GOVERNANCE = "governance.md"
PERFORMANCE = "performance.md"
PRIORITIZATION = "prioritization.md"
RISKS = "risks.md"
ROADMAP = "roadmap.md"
BOARD_PACK = "board-pack.pdf"  # a published version's board pack, when the plugin's `pack` is on

REGISTER_CSV, REGISTER_XLSX = "projects/register.csv", "projects/register.xlsx"
REGISTER_TYPED = "projects/register-rows.json"  # the typed rows of the downloads of the rows shown
TABLES_JS = "assets/pmo/tables.js"
HANDBOOK = "handbook"  # the handbook's folder in the site: methodology/ is mounted there
