"""Packaging details pyproject.toml cannot express: top-level data folders travel in the wheel.

Why this file still exists: pyproject.toml can map ``prompts/`` onto ``assistant._prompts`` only
with an explicit list of every package and every sub-folder of the data folders
(``[tool.setuptools] packages`` and ``package-dir``); its ``packages.find`` does not discover
mapped folders. A new prompts sub-folder would then silently be left out of the wheel. Here the
list is derived from the folders, and ``.ci/wheel_smoke.sh`` proves the wheel reads them.

``prompts/`` (the only home of prompt, phrase and template files) and ``knowledge/`` (the sample
documents ``assistant init`` ingests) stay at the top of the repository and are mapped onto
``assistant/_prompts`` and ``assistant/_knowledge`` inside the wheel. An editable install and a
checkout read the top-level folders directly (see ``assistant.prompts.prompts_dir``).
"""

from pathlib import Path

from setuptools import find_packages, setup

DATA_FOLDERS = {"assistant._prompts": "prompts", "assistant._knowledge": "knowledge"}
DATA_FILES = ["*.yaml", "*.yml", "*.j2", "*.md", "*.txt", "*.docx", "*.pdf"]


def _data_packages() -> dict[str, str]:
    """Package name -> folder for every (sub)folder of the data folders."""
    out = {}
    for package, folder in DATA_FOLDERS.items():
        root = Path(folder)
        for sub in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
            if not any(part.startswith((".", "__")) for part in sub.parts):
                name = ".".join([package, *sub.relative_to(root).parts])
                out[name] = sub.as_posix()
    return out


DATA_PACKAGES = _data_packages()

setup(
    packages=find_packages(include=["assistant", "assistant.*"]) + list(DATA_PACKAGES),
    package_dir=dict(DATA_FOLDERS),
    package_data={
        "assistant": ["resources/*", "front/ui/*.css", "front/ui/*.js", "data/*"],
        **{name: DATA_FILES for name in DATA_PACKAGES},
    },
)
