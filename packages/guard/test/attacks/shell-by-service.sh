#!/bin/bash
# Command injection in a network service: a Python web app listening on 0.0.0.0 runs a shell with the request's input.
set -eu
port=18081
python3 - "$port" <<'PY' &
import http.server, subprocess, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        out = subprocess.run(['/bin/sh', '-c', 'echo ' + self.path[1:]], capture_output=True).stdout
        self.send_response(200); self.end_headers(); self.wfile.write(out)
    def log_message(self, *a): pass
http.server.HTTPServer(('0.0.0.0', int(sys.argv[1])), H).serve_forever()
PY
svc=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
exec 3<>/dev/tcp/127.0.0.1/$port; printf "GET /x;id HTTP/1.0\r\n\r\n" >&3; cat <&3 >/dev/null; exec 3>&-
kill $svc 2>/dev/null || true
wait $svc 2>/dev/null || true
