// SPDX-License-Identifier: MIT
/*
 * serial-clock.c - timestamp every line a command writes to its standard
 * output, for the boot benchmarks (tests/bench/bench.sh). Runs on the build
 * machine (hosted C, Linux).
 *
 *   serial-clock [--stop TEXT] -- COMMAND [ARG]...
 *
 * The command is QEMU (under `timeout`) with its serial port on standard
 * output (-serial stdio). The clock starts just before the fork, so a time
 * is "seconds since QEMU was started"; a line is stamped when its newline
 * arrives, that is when the guest has printed all of it. Each line goes to
 * our standard output as
 *
 *   SECONDS<TAB>TEXT          (carriage returns removed)
 *
 * and the run ends with one line `SECONDS<TAB>#stop`, `#exit N` or
 * `#signal N`. With --stop, the first line that contains TEXT ends the run:
 * the command gets SIGTERM (`timeout` passes it on to QEMU), so nothing
 * after the marker costs time. The command's standard input is /dev/null;
 * its standard error is ours. If we are killed, the kernel kills the
 * command too (PR_SET_PDEATHSIG); SIGTERM and SIGINT are passed on.
 *
 * Exit status: 0 when the --stop text was seen (or, without --stop, when
 * the command exited 0), 1 when the command ended without it, 2 for bad
 * usage, 3 when a system call failed (one line `serial-clock: error: ...`
 * on standard error).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A longer line (firmware escape sequences) is cut and stamped in pieces. */
#define CLOCK_LINE_MAX	4096

static pid_t child_pid = -1;
static struct timespec start_time;

static void clock_die(const char *what)
{
	fprintf(stderr, "serial-clock: error: %s: %s\n", what,
		strerror(errno));
	exit(3);
}

/* Seconds since start_time. */
static double clock_elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start_time.tv_sec) +
	       (double)(now.tv_nsec - start_time.tv_nsec) / 1e9;
}

static void clock_forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* Fork and exec argv with stdout into a pipe; returns the pipe's read end. */
static int clock_start_child(char **argv)
{
	int fds[2];
	pid_t parent = getpid();

	if (pipe2(fds, O_CLOEXEC) < 0)
		clock_die("pipe");
	clock_gettime(CLOCK_MONOTONIC, &start_time);
	child_pid = fork();
	if (child_pid < 0)
		clock_die("fork");
	if (child_pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* Die with us, even if we are SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (null < 0 || dup2(null, 0) < 0 || dup2(fds[1], 1) < 0) {
			fprintf(stderr, "serial-clock: error: %s: cannot set "
				"up stdin/stdout: %s\n", argv[0],
				strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "serial-clock: error: %s: cannot run: %s\n",
			argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	return fds[0];
}

/* One finished line: print it with its time; true if it has stop. */
static bool clock_emit_line(char *line, size_t len, double t,
			    const char *stop)
{
	line[len] = '\0';
	printf("%.6f\t%s\n", t, line);
	return stop && strstr(line, stop);
}

int main(int argc, char **argv)
{
	const char *stop = NULL;
	char line[CLOCK_LINE_MAX + 1];
	char buf[4096];
	size_t len = 0;
	bool seen = false;
	int fd, status, argi = 1;
	struct sigaction sa;

	while (argi < argc && strcmp(argv[argi], "--") != 0) {
		if (strcmp(argv[argi], "--stop") == 0 && argi + 1 < argc) {
			stop = argv[argi + 1];
			argi += 2;
		} else {
			fprintf(stderr, "usage: serial-clock [--stop TEXT] "
				"-- COMMAND [ARG]...\n");
			return 2;
		}
	}
	if (argi + 1 >= argc) {
		fprintf(stderr, "usage: serial-clock [--stop TEXT] -- COMMAND "
			"[ARG]...\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = clock_forward_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = clock_start_child(argv + argi + 1);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		double t;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			clock_die("read");
		if (n == 0)
			break;
		t = clock_elapsed();
		for (ssize_t i = 0; i < n && !seen; i++) {
			if (buf[i] == '\r')
				continue;
			if (buf[i] == '\n' || len == CLOCK_LINE_MAX) {
				seen = clock_emit_line(line, len, t, stop);
				len = 0;
				if (buf[i] == '\n')
					continue;
			}
			line[len++] = buf[i];
		}
		if (seen) {
			printf("%.6f\t#stop\n", t);
			kill(child_pid, SIGTERM);
			break;
		}
	}
	if (!seen && len)
		clock_emit_line(line, len, clock_elapsed(), NULL);
	close(fd);
	while (waitpid(child_pid, &status, 0) < 0)
		if (errno != EINTR)
			clock_die("waitpid");
	if (seen)
		return 0;
	if (WIFSIGNALED(status))
		printf("%.6f\t#signal %d\n", clock_elapsed(), WTERMSIG(status));
	else
		printf("%.6f\t#exit %d\n", clock_elapsed(), WEXITSTATUS(status));
	if (stop)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
