#!/usr/bin/env bash
# The .deb's life on a real Debian machine, as IT lives it (run as root; `make installer-cycle`):
#   build (fast compression) -> preseed debconf -> dpkg -i -> --version, --selftest against
#   a live server -> agent data + an administrator's edit -> build a newer package ->
#   upgrade -> both kept -> dpkg -P -> nothing left but the agent's own data.
# Installs, upgrades and purges the system package `deskmate`: a developer's or CI machine
# only. Prints one line per check; exits non-zero at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" -eq 0 ] || { echo "deb_cycle.sh: run as root (it installs a package)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/deskmate-cycle.XXXXXX)
AGENT_HOME=$WORK/agent
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n==> %s\n' "$*"; }
ok() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*" >&2; exit 1; }
# Run the installed command as an agent would: own home, no display.
as_agent() {
    env -i PATH=/usr/bin:/bin HOME="$AGENT_HOME" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        XDG_RUNTIME_DIR="$WORK/runtime" "$@"
}
mkdir -p "$AGENT_HOME" "$WORK/runtime"
chmod 700 "$WORK/runtime"

if dpkg-query -W -f='${Status}' deskmate 2>/dev/null | grep -q installed; then
    step "purging a deskmate left installed by an earlier run"
    dpkg -P deskmate >/dev/null
fi
echo "deskmate deskmate/server_url string" | debconf-set-selections  # forget earlier answers

step "build revision 1 (fast compression)"
start=$SECONDS
python3 build_installer.py --compression fast --revision 1 --out "$WORK/dist1"
ok "built in $((SECONDS - start)) s"
DEB1=$(ls "$WORK"/dist1/deskmate_*-1_*.deb)
VERSION=$(dpkg-deb -f "$DEB1" Version)

step "a live server on loopback for the preseeded URL"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/deskmate-server demo --port "$PORT" > "$WORK/demo.env" 2> "$WORK/server.log" &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 60); do
    python3 -c "import urllib.request; urllib.request.urlopen('$URL/api/v1/health', timeout=1)" \
        2>/dev/null && break
    sleep 0.5
done
python3 -c "import urllib.request; urllib.request.urlopen('$URL/api/v1/health', timeout=1)" \
    || { cat "$WORK/server.log"; fail "the demo server did not start"; }
ok "server answering on $URL"

step "preseed debconf and install $(basename "$DEB1") with dpkg -i"
debconf-set-selections <<EOF
deskmate deskmate/server_url string $URL
deskmate deskmate/autostart boolean true
deskmate deskmate/locked string server_url, summon_hotkey
EOF
export DEBIAN_FRONTEND=noninteractive
if ! dpkg -i "$DEB1"; then
    # Depends not yet installed on this machine: let apt bring them, then configure.
    apt-get update -qq && apt-get install -f -y -qq
fi
dpkg-query -W -f='${Status} ${Version}\n' deskmate | grep -q "install ok installed $VERSION" \
    || fail "deskmate $VERSION is not installed"
ok "installed deskmate $VERSION"

[ "$(as_agent /usr/bin/deskmate --version)" = "deskmate ${VERSION%-*}" ] \
    || fail "/usr/bin/deskmate --version says $(as_agent /usr/bin/deskmate --version)"
ok "/usr/bin/deskmate --version: $(as_agent /usr/bin/deskmate --version)"
grep -q "\"server_url\": \"$URL\"" /etc/deskmate/settings.json \
    || fail "the preseeded server URL is not in /etc/deskmate/settings.json"
grep -q '"locked": \["server_url", "summon_hotkey"\]' /etc/deskmate/settings.json \
    || fail "the preseeded locked settings are not in /etc/deskmate/settings.json"
ok "preseeded URL and locks in /etc/deskmate/settings.json"
grep -q "^Exec=/usr/bin/deskmate --autostart" /etc/xdg/autostart/deskmate.desktop \
    || fail "no autostart entry in /etc/xdg/autostart"
[ -f /usr/share/applications/deskmate.desktop ] || fail "no menu entry"
ok "autostart and menu entries"

step "deskmate --selftest as an agent"
start=$(date +%s%N)
as_agent /usr/bin/deskmate --selftest | tee "$WORK/selftest1.txt" || fail "selftest failed"
ok "selftest passed in $(( ($(date +%s%N) - start) / 1000000 )) ms"
grep -q "ok    server: $URL answered" "$WORK/selftest1.txt" || fail "selftest did not reach $URL"

step "a full index build of 6,000 items uses the analysis worker in the frozen app"
# The worker is a spawned copy of /opt/deskmate/deskmate: freeze_support() in the frozen
# entry point must turn it into the worker instead of running the app a second time.
"$ROOT/.venv/bin/python" - "$WORK/bigpack" <<'PY'
import json, sys
from pathlib import Path
from benchmarks.corpus import build_corpus
out = Path(sys.argv[1]); out.mkdir()
with (out / "items.jsonl").open("w", encoding="utf-8") as f:
    for record in build_corpus(6000, None, seed=3):
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
PY
BIG=(--data-dir "$WORK/big" --config-dir "$WORK/bigconf")
as_agent /usr/bin/deskmate import "${BIG[@]}" "$WORK/bigpack" >/dev/null || fail "6,000-item import failed"
start=$(date +%s%N)
as_agent /usr/bin/deskmate reindex -v "${BIG[@]}" > "$WORK/reindex.txt" 2>&1 \
    || { cat "$WORK/reindex.txt"; fail "reindex failed"; }
grep -q "indexed 6000 items" "$WORK/reindex.txt" || { cat "$WORK/reindex.txt"; fail "reindex count"; }
grep -q "pipelined: True" "$WORK/reindex.txt" || { cat "$WORK/reindex.txt"; fail "no worker used"; }
ok "6,000 items rebuilt with the worker in $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 1
if pgrep -f "/opt/deskmate/deskmate.*multiprocessing" >/dev/null; then
    fail "a worker process outlived the rebuild"
fi
# (The pack is bare JSON Lines: no synonym list makes 花呗 one word, so no pinyin query here.)
as_agent /usr/bin/deskmate search "${BIG[@]}" 花呗还款 > "$WORK/big-search.txt" || fail "search after rebuild"
grep -q faq-pay-012 "$WORK/big-search.txt" || { cat "$WORK/big-search.txt"; fail "search after rebuild"; }
ok "no process left behind; search finds faq-pay-012"
rm -rf "$WORK/big" "$WORK/bigconf" "$WORK/bigpack"

step "agent data and an administrator's edit"
mkdir -p "$WORK/pack"
cat > "$WORK/pack/cycle.jsonl" <<'EOF'
{"id": "faq-cycle-001", "kind": "faq", "title": "升级后还在吗 cycle marker", "body": "Upgrade keeps the agent's own data.", "language": "zh", "updated_at": "2026-11-30T10:00:00+08:00", "version": 1}
EOF
as_agent /usr/bin/deskmate import "$WORK/pack" >/dev/null
as_agent /usr/bin/deskmate search "cycle marker" | grep -q faq-cycle-001 || fail "import failed"
mkdir -p "$AGENT_HOME/.config/deskmate"
echo '{"theme": "dark"}' > "$AGENT_HOME/.config/deskmate/settings.json"
DATA_DIR="$AGENT_HOME/.local/share/deskmate"
[ -d "$DATA_DIR" ] || fail "no agent data in $DATA_DIR"
ok "agent data in $DATA_DIR"
sed -i 's/"defaults": {/"defaults": {\n    "theme": "light",/' /etc/deskmate/settings.json
ADMIN_SUM=$(sha256sum /etc/deskmate/settings.json)
ok "administrator edited /etc/deskmate/settings.json"

step "build revision 2 and upgrade over revision 1"
python3 build_installer.py --compression fast --revision 2 --out "$WORK/dist2"
DEB2=$(ls "$WORK"/dist2/deskmate_*-2_*.deb)
VERSION2=$(dpkg-deb -f "$DEB2" Version)
dpkg -i "$DEB2"
dpkg-query -W -f='${Version}' deskmate | grep -qx "$VERSION2" || fail "upgrade to $VERSION2 failed"
ok "upgraded to $VERSION2"
[ "$(sha256sum /etc/deskmate/settings.json)" = "$ADMIN_SUM" ] \
    || fail "the upgrade overwrote the administrator's /etc/deskmate/settings.json"
ok "the administrator's settings were kept"
as_agent /usr/bin/deskmate search "cycle marker" | grep -q faq-cycle-001 \
    || fail "the agent's data was lost in the upgrade"
grep -q '"theme": "dark"' "$AGENT_HOME/.config/deskmate/settings.json" \
    || fail "the agent's settings were lost"
ok "the agent's data and settings were kept"
as_agent /usr/bin/deskmate --selftest > "$WORK/selftest2.txt" \
    || { cat "$WORK/selftest2.txt"; fail "selftest failed after the upgrade"; }
ok "selftest passes after the upgrade"

step "purge"
dpkg -P deskmate
left=()
for path in /opt/deskmate /usr/bin/deskmate /etc/deskmate /etc/xdg/autostart/deskmate.desktop \
    /usr/share/applications/deskmate.desktop /usr/share/icons/hicolor/scalable/apps/deskmate.svg \
    /var/lib/deskmate; do
    [ -e "$path" ] || [ -L "$path" ] && left+=("$path")
done
((${#left[@]} == 0)) || fail "left after purge: ${left[*]}"
! dpkg-query -W deskmate >/dev/null 2>&1 || fail "dpkg still knows deskmate"
[ -z "$(debconf-show deskmate 2>/dev/null)" ] || fail "debconf still holds deskmate's answers"
ok "nothing left of the package, its settings or its debconf answers"
[ -d "$DATA_DIR" ] && [ -f "$AGENT_HOME/.config/deskmate/settings.json" ] \
    || fail "the purge removed the agent's own data"
ok "the agent's own data is still there"
printf '\ninstaller cycle passed (%s -> %s)\n' "$VERSION" "$VERSION2"
