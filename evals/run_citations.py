"""Citation-forms eval: does each way staff write a citation resolve to the right article and version?

Usage: python -m evals citations [--lawrefbook PATH] [--show-misses]

Imports the LawRefBook collection into a temporary regulation library (about a second), builds
the resolver over it and the built-in law library, and checks every item of
``evals/datasets/citation_forms_v1.yaml``: law, article, 款, 项, version and status. Prints the
pass rate of dev and test, writes evals/results/citations_*.csv and exits non-zero when test
is below :data:`TEST_TARGET`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from evals.kb import REPO, load_yamlset, write_results

TEST_TARGET = 0.95
DATASET = "citation_forms_v1"


def default_lawrefbook() -> Path:
    """../shared/lawrefbook beside the checkout (or beside the worktrees' folder)."""
    for shared in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        if (shared / "lawrefbook").is_dir():
            return shared / "lawrefbook"
    return REPO.parent / "shared" / "lawrefbook"


def build_resolver(lawrefbook: Path, folder: Path):
    """Resolver over laws.db and a fresh import of ``lawrefbook`` into ``folder``."""
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.reglib import DB_NAME, RegulationLibrary
    from assistant.core.citations import CitationResolver, LawNames

    regulations = RegulationLibrary(folder / DB_NAME)
    report = regulations.import_folder(lawrefbook)
    if report.errors:
        print("\n".join(report.errors), file=sys.stderr)
    lawlib = LawLibrary()
    names = LawNames.from_resources(lawlib.law_names())
    return CitationResolver(lawlib, names, regulations=regulations)


def check(resolver, item: dict) -> tuple[bool, str]:
    """Whether one item resolves as expected, and what it resolved to."""
    expect = item["expect"]
    cites = resolver.parse(item["query"]) or resolver._parser.parse(item["query"], loose=True)
    nth = int(item.get("nth", 0))
    if len(cites) <= nth:
        return False, "未识别出引用"
    result = resolver.lookup(cites[nth], item["query"], item.get("as_of"))
    version = result.version.version_date if result.version else ""
    got = (
        f"{result.law}|{result.article_no}|{result.paragraph}|{result.item}|{version}|"
        f"{result.status}|{'found' if result.found else result.message}"
    )
    ok = (
        result.found
        and result.law == expect["law"]
        and result.article_no == expect["article_no"]
        and result.paragraph == expect.get("paragraph")
        and result.item == expect.get("item")
        and (not expect.get("version_date") or version == expect["version_date"])
        and result.status == expect.get("status", "current")
    )
    return ok, got


def lawrefbook_args(argv: list[str] | None, description: str) -> argparse.Namespace | None:
    """``--lawrefbook`` and ``--show-misses``; None (after a Chinese message) when the folder is absent."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--lawrefbook", type=Path, default=default_lawrefbook())
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    if not args.lawrefbook.is_dir():
        print(f"缺少 LawRefBook 法规集：{args.lawrefbook}", file=sys.stderr)
        return None
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the eval; returns the exit code."""
    args = lawrefbook_args(argv, __doc__.splitlines()[0])
    if args is None:
        return 2
    items, rows = load_yamlset(DATASET)["items"], []
    with tempfile.TemporaryDirectory() as tmp:
        resolver = build_resolver(args.lawrefbook, Path(tmp))
        for item in items:
            ok, got = check(resolver, item)
            rows.append({"id": item["id"], "split": item["split"], "query": item["query"],
                         "pass": int(ok), "got": got})  # fmt: skip
            if args.show_misses and not ok:
                print(f"MISS {item['id']} ({item['split']}): {item['query']} -> {got}")
    rates = {}
    for split in ("dev", "test"):
        mine = [r for r in rows if r["split"] == split]
        rates[split] = sum(r["pass"] for r in mine) / len(mine)
        print(f"{split:5s} {sum(r['pass'] for r in mine):3d}/{len(mine):3d}  pass {rates[split]:.3f}")
    print(f"results: {write_results(rows, 'citations')}")
    if rates["test"] < TEST_TARGET:
        print(f"test pass rate {rates['test']:.3f} < target {TEST_TARGET}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
