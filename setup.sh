#!/usr/bin/env bash
# Build .venv with a Python >= 3.12 and the project's dependencies (idempotent). Usage: ./setup.sh
set -euo pipefail
cd "$(dirname "$0")"
find_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.13 python3 \
      "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
      /usr/local/bin/python3.12 /usr/bin/python3.12; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if [ ! -x .venv/bin/python ]; then
  python=$(find_python) || { echo "setup.sh: needs Python >= 3.12 (found none on PATH or under ~/.pyenv); install one or set PYTHON=/path/to/python3.12" >&2; exit 1; }
  echo "setup.sh: creating .venv with $python" >&2
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
# -qq: errors only; setuptools' informational note on every editable install ("Editable installation ...")
# would otherwise read like a broken install
.venv/bin/python -m pip install -qq -e ".[test,docs]"
.venv/bin/python -c "import mesa, numpy, pydantic, plotly" || { echo "setup.sh: dependency install failed" >&2; exit 1; }
# Warm numba's cache of the model's kernels now, so the first command (and every worker process) loads them
# instead of compiling them (7-13 s each).
.venv/bin/python -c "from model import simulate; simulate(years=1)" >/dev/null
