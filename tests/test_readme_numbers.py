"""The README's law-library numbers are the library's (issue 18: 378 vs 328 was unexplained)."""

from __future__ import annotations

from pathlib import Path

from assistant.adapters.lawlib import LawLibrary

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_explains_the_law_counts():
    library = LawLibrary(None)
    every_version = library.laws(include_history=True)
    in_force = library.profile("all")
    with_articles = {article.law for article in library.articles(in_force)}
    text = README.read_text(encoding="utf-8")
    history = sum(1 for law in every_version if law.status == "历史版本")
    repealed = sum(1 for law in every_version if law.status == "已废止")
    expected = (f"内置国家法律库共 {len(every_version)} 个版本", f"现行有效 {len(in_force)} 部",
                f"{history} 个历史版本", f"{repealed} 部已废止", f"有 {len(in_force) - len(with_articles)} 部",
                f"列出的是 {len(with_articles)} 部")
    for phrase in expected:
        assert phrase in text, phrase
