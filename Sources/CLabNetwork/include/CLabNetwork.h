#ifndef TCPLAB_LAB_NETWORK_H
#define TCPLAB_LAB_NETWORK_H
/* The system calls the lab network needs that Swift cannot call itself: ioctl (variadic),
 * setns, ppoll with a nanosecond timeout, signalfd, and posix_spawn with a new session. Each
 * returns 0 or a file descriptor on success and -errno on failure. */
#include <poll.h>
#include <sys/types.h>

/* Opens /dev/net/tun and attaches a TUN device (IP packets, no extra header) named `name` in the
 * calling thread's network namespace, created if missing; it vanishes when the descriptor closes. */
int tcplab_tun_open(const char *name);

/* Moves the calling thread into the network namespace at `path` (/run/netns/NAME or /proc/self/ns/net). */
int tcplab_enter_netns(const char *path);

/* ppoll with a timeout in nanoseconds (negative: wait for ever). */
int tcplab_poll(struct pollfd *fds, int count, long long timeout_ns);

/* Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and returns a signalfd for them. */
int tcplab_stop_signals_fd(void);

/* Reads one signal from a signalfd; returns its number. */
int tcplab_read_signal(int fd);

/* pipe2 with O_CLOEXEC (Swift's Glibc module does not show pipe2). */
int tcplab_pipe(int fds[2]);

/* posix_spawn with the three standard descriptors given (-1: /dev/null), every other one closed,
 * and, when `new_session`, a session of its own (so it outlives the caller's terminal). */
int tcplab_spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd,
                 int new_session, pid_t *pid);

#endif
