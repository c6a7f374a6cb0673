"""Print the version installed of each direct dependency in pyproject.toml, beside the range it allows."""

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
requirements = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
sys.stdout.write(f"{sys.argv[1] if len(sys.argv) > 1 else 'installed'}: Python {sys.version.split()[0]}\n")
for requirement in requirements:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)[0]
    try:
        installed = version(name)
    except PackageNotFoundError:
        installed = "not installed"
    sys.stdout.write(f"  {name:<20} {installed:<14} {requirement[len(name) :]}\n")
