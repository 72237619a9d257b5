/* Parse-only yardstick: jansson json_loadb() on every line of a JSON Lines
 * file, nothing else (counts the lines that parse to an object).
 * Build: cc -O2 parse_jansson.c $(pkg-config --cflags --libs jansson) */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned long objects = 0, errors = 0;
    for (int a = 1; a < argc; a++) {
        int fd = open(argv[a], O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            perror(argv[a]);
            return 2;
        }
        if (st.st_size == 0) {
            close(fd);
            continue;
        }
        const char *buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (buf == MAP_FAILED) {
            perror("mmap");
            return 2;
        }
        madvise((void *)buf, (size_t)st.st_size, MADV_SEQUENTIAL);
        const char *p = buf, *end = buf + st.st_size;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (len > 0) {
                json_error_t err;
                json_t *j = json_loadb(p, len, 0, &err);
                if (j && json_is_object(j))
                    objects++;
                else
                    errors++;
                json_decref(j);
            }
            p += len + 1;
        }
        munmap((void *)buf, (size_t)st.st_size);
        close(fd);
    }
    printf("{\"objects\": %lu, \"errors\": %lu}\n", objects, errors);
    return errors ? 1 : 0;
}
