/*
 * The instance lock: one writer per instance directory. Every store_open
 * (and store_init) takes an exclusive flock on DIR/skydd.lock for as long as
 * the store is open, so a second writer (another serve, checkpoint
 * --accept-tail, loadgen) is refused at once instead of breaking the
 * writer's assumptions (one tree in memory, batch seals, the checkpoint
 * append). flock, not a pid file: the kernel drops the lock when its holder
 * dies, however it dies, so a crash never leaves a stale lock. Readers
 * (verify, log, checkpoint) never take it.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"

static void say(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

/* The pid the holder wrote into the lock file, 0 if none can be read. */
static long holder_pid(int fd)
{
	char text[24];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid = 0;

	if (n <= 0)
		return 0;
	text[n] = '\0';
	for (ssize_t i = 0; i < n && text[i] != '\n'; i++) {
		if (text[i] < '0' || text[i] > '9' || pid > 99999999)
			return 0;
		pid = pid * 10 + (text[i] - '0');
	}
	return pid;
}

/*
 * Root creating the file for a server that then drops to the directory's
 * owner (serve --user): the file goes to that owner, or the next run as that
 * user could not open its own instance for writing. A failure is not fatal:
 * the lock is held, only a later non-root writer would be refused.
 */
static void give_to_dir_owner(int fd, const struct stat *st, const char *dir)
{
	struct stat dst;

	if (stat(dir, &dst) != 0 || st->st_uid == dst.st_uid)
		return;
	if (fchown(fd, dst.st_uid, dst.st_gid) != 0)
		return;
}

/*
 * Writes our pid into the lock file, or empties it (mine == false). The pid
 * only names the holder in a refusal (the lock is the flock): best effort.
 */
static void write_pid(int fd, bool mine)
{
	char text[24];
	int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) != 0 || !mine)
		return;
	if (pwrite(fd, text, (size_t)n, 0) != n)
		return;
}

int store_lock_take(const char *dir, int *out, char *msg, size_t cap)
{
	char path[STORE_PATH_MAX];
	struct stat st;
	int fd, rc;
	long pid;

	*out = -1;
	rc = store_path(path, sizeof(path), dir, STORE_LOCK_FILE);
	if (rc)
		return rc;
	/* O_NOFOLLOW: a symlink planted here must not make us create or truncate its target. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		say(msg, cap, "cannot open the instance lock %s: %s", path, strerror(errno));
		return SK_EIO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		say(msg, cap, "the instance lock %s is not a regular file", path);
		close(fd);
		return SK_EIO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;

		if (e != EWOULDBLOCK) {
			say(msg, cap, "cannot lock %s: %s", path, strerror(e));
			close(fd);
			return SK_EIO;
		}
		pid = holder_pid(fd);
		if (pid > 0)
			say(msg, cap,
			    "the instance %s is in use by another skydd process (pid %ld)", dir,
			    pid);
		else
			say(msg, cap, "the instance %s is in use by another skydd process", dir);
		close(fd);
		return SK_EBUSY;
	}
	if (geteuid() == 0)
		give_to_dir_owner(fd, &st, dir);
	write_pid(fd, true);
	*out = fd;
	return SK_OK;
}

void store_lock_release(int fd)
{
	if (fd < 0)
		return;
	/*
	 * Emptied while still held, so a refusal never names a pid that is no
	 * longer the holder (best effort: the next holder rewrites it anyway).
	 */
	write_pid(fd, false);
	close(fd); /* releases the flock */
}
