/*
 * An LD_PRELOAD shim that makes a directory a small full disk, for the
 * fault tests where a tmpfs cannot be mounted (not root, a container):
 * writes and space reservations of files below $FULLFS_DIR fail with
 * ENOSPC once the files there would take more than $FULLFS_BYTES. Usage is
 * counted as du(1) does (allocated blocks), so a sparse file is free until
 * written, as on a real filesystem. Writes through a shared mapping cannot
 * be seen here: certsift reserves a map's space before it writes into it,
 * and that reservation is what fails.
 *
 *   cc -shared -fPIC -o fullfs.so fullfs.c -ldl
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long used;

static int
add(const char *p, const struct stat *sb, int type, struct FTW *f)
{
	(void)p;
	(void)f;
	if (type == FTW_F)
		used += (long long)sb->st_blocks * 512;
	return 0;
}

/* Whether fd, growing to end bytes, would overfill the directory. */
static int
full(int fd, long long end)
{
	const char *dir = getenv("FULLFS_DIR"), *lim = getenv("FULLFS_BYTES");
	char link[64], path[PATH_MAX];
	struct stat sb;
	ssize_t n;
	long long grow;

	if (dir == NULL || lim == NULL || fstat(fd, &sb) == -1 ||
	    !S_ISREG(sb.st_mode))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return 0;
	path[n] = '\0';
	if (strncmp(path, dir, strlen(dir)) != 0)
		return 0;
	grow = end - (long long)sb.st_blocks * 512;
	if (grow <= 0)
		return 0;
	used = 0;
	nftw(dir, add, 16, FTW_PHYS);
	return used + grow > atoll(lim);
}

#define REAL(name)	static __typeof__(name) *real; \
	if (real == NULL) real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(write);
	if (full(fd, (long long)lseek(fd, 0, SEEK_CUR) + (long long)len)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	REAL(pwrite);
	if (full(fd, (long long)off + (long long)len)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

int
posix_fallocate(int fd, off_t off, off_t len)
{
	REAL(posix_fallocate);
	if (full(fd, (long long)off + (long long)len))
		return ENOSPC;
	return real(fd, off, len);
}

int
posix_fallocate64(int fd, off_t off, off_t len)
{
	return posix_fallocate(fd, off, len);
}
