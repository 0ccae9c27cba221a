#!/bin/sh
# Capture `ainka top` (120x40) from tmux while ainkad runs on this machine with a disk writer active,
# into tools/bench/daemon/ainka-top.txt. Needs tmux and built apps (npx nx run-many -t build).
set -e
repo=$(cd "$(dirname "$0")/../../.." && pwd)
out="$repo/tools/bench/daemon/ainka-top.txt"
dir=$(mktemp -d /var/tmp/ainka-top.XXXXXX)
session="ainka-top-$$"
node --max-semi-space-size=2 "$repo/apps/daemon/dist/main.js" --state-dir "$dir/state" --socket "$dir/a.sock" \
  --metrics-port 0 --log-level warn > "$dir/log.json" 2>&1 &
daemon=$!
trap 'tmux kill-session -t "$session" 2>/dev/null || true; kill -INT $daemon 2>/dev/null || true; wait $daemon 2>/dev/null || true; rm -rf "$dir"' EXIT
sleep 20
# a disk writer: dirty page cache builds up, so there is something to advise
dd if=/dev/zero of="$dir/big" bs=1M count=1024 status=none &
writer=$!
sleep 15
tmux new-session -d -s "$session" -x 120 -y 40 "node $repo/apps/cli/dist/main.js --socket $dir/a.sock top"
sleep 4
tmux capture-pane -p -t "$session" > "$out"
tmux send-keys -t "$session" q
wait $writer 2>/dev/null || true
echo "wrote $out"
