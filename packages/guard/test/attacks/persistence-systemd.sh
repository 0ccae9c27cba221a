#!/bin/bash
# Persistence through a systemd service installed and enabled by hand (no daemon-reload: enabling reads the file).
set -eu
unit=/etc/systemd/system/ainka-updater.service
cat > $unit <<'UNIT'
[Unit]
Description=updater
[Service]
ExecStart=/bin/sleep 1
[Install]
WantedBy=multi-user.target
UNIT
systemctl --no-reload enable ainka-updater.service 2>/dev/null || true
systemctl --no-reload disable ainka-updater.service 2>/dev/null || true
rm -f $unit
