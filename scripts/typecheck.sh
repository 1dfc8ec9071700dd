#!/usr/bin/env bash
# mypy reads the affiche namespace through links, since its folders sit at the root under
# other names (setuptools' package-dir maps them for installs; mypy does not read that map).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mkdir -p build/typecheck/affiche
for folder in cli venues programmes scheduler web; do
  ln -sfn "$root/$folder" "build/typecheck/affiche/$folder"
done
cd build/typecheck
exec "$root/.venv/bin/mypy" --config-file "$root/pyproject.toml" -p affiche "$@"
