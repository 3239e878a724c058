#!/usr/bin/env bash
# Installs the Debian 12 packages that einclusion and its test suite need, only those missing.
# Fast when everything is there (one dpkg query, no network); `apt-get update` runs only when
# something has to be installed. Needs root; otherwise prints the exact command and fails.
#
# Deliberately NOT installed: libgdal32 (GeoDjango's GDAL, ~100 MB). `leaflet` is kept out of
# INSTALLED_APPS so that the admin never imports `leaflet.admin` (which imports GeoDjango); see README.
# Python 3.11 and Node 20 + npm are prerequisites of the machine image, checked but not installed here.
set -euo pipefail

PACKAGES=(
    make                  # make run / make test
    postgresql-15         # PostgreSQL 15 server + client (scripts/services.sh, tests marked postgres)
    redis-server          # Celery broker + redis-cli (tests marked redis, real worker)
    chromium              # browser tests: Playwright drives Debian's Chromium (never `playwright install`)
    chromium-driver
    poppler-utils         # pdftotext / pdftoppm, to assert on generated PDFs
    libpango-1.0-0        # WeasyPrint (PDF rendering) ...
    libpangoft2-1.0-0
    libharfbuzz-subset0   # ... without it WeasyPrint warns at import, and warnings are errors in tests
    fonts-dejavu-core     # fonts for WeasyPrint and Chromium
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$pkg")
    fi
done

prereq_ok=1
if ! command -v python3 >/dev/null || ! python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "[system] python3 doit être Python 3.11 (trouvé : $(python3 --version 2>&1 || echo absent))" >&2
    prereq_ok=0
fi
if ! command -v npm >/dev/null; then
    echo "[system] npm (Node 20) est absent : installez Node.js 20 avant make" >&2
    prereq_ok=0
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "[system] paquets Debian présents (${#PACKAGES[@]})"
    [[ $prereq_ok -eq 1 ]] || exit 1
    exit 0
fi

install_cmd="apt-get install -y -q --no-install-recommends ${missing[*]}"
if [[ $EUID -ne 0 ]]; then
    echo "[system] paquets manquants : ${missing[*]}" >&2
    echo "[system] lancez en root : apt-get update && $install_cmd" >&2
    exit 1
fi

echo "[system] installation : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "[system] paquets installés"
[[ $prereq_ok -eq 1 ]] || exit 1
