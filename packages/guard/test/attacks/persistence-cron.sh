#!/bin/bash
# Persistence through cron: a job in /etc/cron.d and one in root's crontab (crontab -).
set -eu
echo '*/5 * * * * root /var/tmp/.update >/dev/null 2>&1' > /etc/cron.d/ainka-update
saved=$(mktemp)
crontab -l > "$saved" 2>/dev/null || true
(cat "$saved"; echo '@reboot /var/tmp/.update') | crontab -
# undo
if [ -s "$saved" ]; then crontab "$saved"; else crontab -r 2>/dev/null || true; fi
rm -f /etc/cron.d/ainka-update "$saved"
