#!/bin/bash
# Persistence through a systemd service installed and enabled by hand.
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
systemctl daemon-reload
systemctl enable ainka-updater.service 2>/dev/null || true
systemctl disable ainka-updater.service 2>/dev/null || true
rm -f $unit
systemctl daemon-reload
