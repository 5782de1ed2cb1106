#!/bin/sh
# Adds PeerScenarios to your applications menu, for you only (no administrator rights).
# Run it from anywhere; it uses the folder it sits in. Run it again after moving the folder.
#   ./install-desktop-entry.sh            add (or update) the menu entry and the icons
#   ./install-desktop-entry.sh --remove   take them away (your practice history is kept)
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
exe="$here/peerscenarios"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor"

if [ "${1:-}" = "--remove" ]; then
    rm -f "$apps/peerscenarios.desktop"
    for f in "$icons"/*/apps/peerscenarios.png "$icons"/scalable/apps/peerscenarios.svg; do
        rm -f "$f"
    done
    echo "PeerScenarios is no longer in your applications menu. Your practice history is kept."
    exit 0
fi

if [ ! -x "$exe" ]; then
    echo "Cannot find $exe. Run this script from inside the unpacked PeerScenarios folder." >&2
    exit 1
fi

# The icons, in the sizes the desktop picks from.
(cd "$here/share/icons/hicolor" && find . -type f -name 'peerscenarios.*') | while read -r f; do
    mkdir -p "$icons/$(dirname "$f")"
    cp "$here/share/icons/hicolor/$f" "$icons/$f"
done

# The menu entry, pointing at this folder. In Exec a path is quoted, with \ " ` $
# escaped and then every backslash doubled again (the Desktop Entry rules); % is doubled.
exec_path=$(printf '%s' "$exe" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g' -e 's/%/%%/g')
try_path=$(printf '%s' "$exe" | sed -e 's/\\/\\\\/g')
mkdir -p "$apps"
EXEC_LINE="Exec=\"$exec_path\"" TRY_LINE="TryExec=$try_path" awk '
    /^Exec=/    { print ENVIRON["EXEC_LINE"]; next }
    /^TryExec=/ { print ENVIRON["TRY_LINE"]; next }
    { print }
' "$here/share/applications/peerscenarios.desktop" > "$apps/peerscenarios.desktop.tmp"
mv "$apps/peerscenarios.desktop.tmp" "$apps/peerscenarios.desktop"

# Menus notice new entries by themselves; these only make it quicker where they exist.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" 2>/dev/null || true
touch "$icons" 2>/dev/null || true

echo "PeerScenarios is now in your applications menu (it may take a moment to appear)."
