#!/usr/bin/env bash
# The wheel works outside the checkout: build it, install it into a fresh venv in a temporary
# folder, then build the sample knowledge base, answer a question and write a draft from
# another directory. Offline LLM, deterministic hash embedding (the wheel, not the model, is
# under test here). Run from the repository root with the CI venv active.
set -euo pipefail
REPO=$(pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python -m pip wheel "$REPO" --no-deps --no-build-isolation -q -w "$WORK/dist"
python -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --disable-pip-version-check --prefer-binary -c "$REPO/constraints.txt" "$WORK"/dist/*.whl

cd "$WORK"  # nothing of the checkout is importable from here
export ASSISTANT_DATA_DIR="$WORK/data" ASSISTANT_EMBEDDING__BACKEND=fake ASSISTANT_LLM__BACKEND=offline
BIN="$WORK/venv/bin"
"$BIN/python" - <<'PY'
import assistant, pathlib
from assistant.prompts import default_prompts_dir
from assistant.config import load_settings
assert "site-packages" in assistant.__file__, assistant.__file__
assert (default_prompts_dir() / "answer_v2.yaml").is_file(), default_prompts_dir()
assert any(load_settings().knowledge_dir.glob("*.md")), "示例报告未随安装包提供"
PY
"$BIN/assistant" init --skip-laws > init.log
"$BIN/assistant" ask "2023年开展了多少次行政检查？" --json > answer.json
"$BIN/python" -c "import json; a = json.load(open('answer.json', encoding='utf-8')); assert a['found'] and '620' in a['answer'], a"
REPORT=$("$BIN/python" -c "from assistant.config import load_settings; print(next(load_settings().knowledge_dir.glob('*.md')))")
"$BIN/assistant" facts extract "$REPORT" -o facts.yaml
"$BIN/assistant" draft facts.yaml -o draft.docx
test -s draft.docx
echo "安装包检查通过：ask 与 draft 均可在检出目录之外运行"
