// SPDX-License-Identifier: MIT
/*
 * Syscall-heavy loop for tools/bench/guard: <ops> iterations of getppid(2) plus an open/close of an
 * absolute path (every open goes through the guard's watch trie) and, every 500 iterations, a
 * fork + exec of /bin/true (exec, fork and exit records). Prints nothing; the bench times it.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long ops = argc > 1 ? atol(argv[1]) : 1000000;
	long i;

	for (i = 0; i < ops; i++) {
		int fd;

		syscall(SYS_getppid);
		fd = open("/usr/lib/os-release", O_RDONLY);
		if (fd >= 0)
			close(fd);
		if (i % 500 == 0) {
			pid_t pid = fork();

			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
	}
	return 0;
}
