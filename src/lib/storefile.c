#include "storefile.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * LMDB's meta pages (format version 1, 64-bit builds), as mdb.c lays them
 * out: a 16-byte page header, then MDB_meta: magic, version, address,
 * mapsize, the free and main database records (48 bytes each; the page
 * size is kept in the free one's md_pad), the last page used and the
 * transaction id. Page 0 holds one meta, page 1 (at the page size) the
 * other; the one with the greater transaction id is the last commit.
 */
#define META_FLAGS	10	/* u16 mp_flags in the page header */
#define P_META		0x08
#define META_MAGIC	16	/* u32, 0xBEEFC0DE */
#define META_VERSION	20	/* u32, 1 */
#define META_PSIZE	40	/* u32 mm_dbs[FREE_DBI].md_pad */
#define META_LAST	136	/* u64 mm_last_pg */
#define META_TXNID	144	/* u64 mm_txnid */
#define META_END	152
#define MDB_MAGIC	0xBEEFC0DEu

static int
read_meta(int fd, off_t off, uint32_t *psize, uint64_t *last, uint64_t *txnid)
{
	unsigned char p[META_END];
	uint32_t magic, version;
	uint16_t flags;

	if (pread(fd, p, sizeof(p), off) != (ssize_t)sizeof(p))
		return -1;
	memcpy(&flags, p + META_FLAGS, 2);
	memcpy(&magic, p + META_MAGIC, 4);
	memcpy(&version, p + META_VERSION, 4);
	memcpy(psize, p + META_PSIZE, 4);
	memcpy(last, p + META_LAST, 8);
	memcpy(txnid, p + META_TXNID, 8);
	if (!(flags & P_META) || magic != MDB_MAGIC || version != 1)
		return -1;
	/* LMDB's page sizes: powers of two from 512 to 64 KiB (and more
	 * on some systems); a meta saying otherwise is not LMDB's. */
	if (*psize < 512 || *psize > (1u << 24) || (*psize & (*psize - 1)))
		return -1;
	return 0;
}

int
cs_storefile_check(const char *store, const char *data, uint64_t *used,
    struct cs_err *err)
{
	struct stat sb;
	uint64_t last0, last1, txn0, txn1, last, need;
	uint32_t ps0, ps1;
	int fd, ok0, ok1;

	if ((fd = open(data, O_RDONLY | O_CLOEXEC)) == -1) {
		/* Not ours to judge: LMDB says why it cannot open it. */
		*used = 0;
		return 0;
	}
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return cs_err_set(err, CS_EIO, "cannot read '%s': %s", data,
		    strerror(errno));
	}
	ok0 = read_meta(fd, 0, &ps0, &last0, &txn0) == 0;
	ok1 = ok0 && read_meta(fd, (off_t)ps0, &ps1, &last1, &txn1) == 0 &&
	    ps1 == ps0;
	close(fd);
	if (!ok0 && sb.st_size < 2 * 4096)
		return cs_err_set(err, CS_ESTORE, "store '%s' is truncated: "
		    "data.mdb has %lld bytes, not even its header",
		    store, (long long)sb.st_size);
	if (!ok0)
		return cs_err_set(err, CS_ESTORE, "store '%s' is damaged or "
		    "not a certsift store: data.mdb is not an LMDB file",
		    store);
	if (!ok1 && sb.st_size < 2 * (off_t)ps0)
		return cs_err_set(err, CS_ESTORE, "store '%s' is truncated: "
		    "data.mdb has %lld bytes, not even its header",
		    store, (long long)sb.st_size);
	/* LMDB itself refuses a bad second meta page; the first then rules
	 * here, and LMDB's message is the one the user sees. */
	last = ok1 && txn1 > txn0 ? last1 : last0;
	if (last > (UINT64_MAX / ps0) - 1)
		return cs_err_set(err, CS_ESTORE, "store '%s' is damaged: its "
		    "last page number is %llu", store,
		    (unsigned long long)last);
	need = (last + 1) * ps0;
	if ((uint64_t)sb.st_size < need)
		return cs_err_set(err, CS_ESTORE, "store '%s' is truncated: "
		    "data.mdb has %lld bytes, its last commit needs %llu "
		    "(certsift verify checks what is left)", store,
		    (long long)sb.st_size, (unsigned long long)need);
	*used = need;
	return 0;
}

int
cs_storefile_lock_prepare(const char *lock)
{
	struct stat sb;
	int fd, e = 0;

	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1)
		return errno;
	if (fstat(fd, &sb) == -1)
		e = errno;
	else if (sb.st_size < CS_LOCKFILE_SIZE)
		e = posix_fallocate(fd, 0, CS_LOCKFILE_SIZE);
	close(fd);
	return e;
}

int
cs_storefile_reserve(int fd, uint64_t from, uint64_t to)
{
	int e;

	if (to <= from)
		return 0;
	e = posix_fallocate(fd, (off_t)from, (off_t)(to - from));
	/* A filesystem without fallocate: nothing to reserve with, as
	 * before (glibc emulates it where it can). */
	return e == EOPNOTSUPP || e == ENOSYS ? 0 : e;
}
