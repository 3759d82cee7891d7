#!/bin/sh
# Rebuild the hashed lock files the images install with `pip install --require-hashes` (issue 22):
# every package, transitive ones too, pinned with the hashes of its files on PyPI. Transitive versions
# are held to what the test venv runs (its pip freeze), so the images run what the tests ran.
# Needs pip-tools (pip install pip-tools==7.7.0, in a venv of its own). Run from the repository root.
set -eu
freeze=$(mktemp)
trap 'rm -f "$freeze"' EXIT
.venv/bin/pip freeze | grep "==" > "$freeze"
for pair in "requirements.txt requirements.lock" "deploy/requirements-api.txt deploy/requirements-api.lock"; do
    set -- $pair
    PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS='' pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
        --no-emit-index-url --index-url https://pypi.org/simple --constraint "$freeze" --output-file "$2" "$1"
    sed -i "s#$freeze#venv-freeze.txt#g" "$2"
done
