/* Versioned glibc symbols: memcpy binds to its default version (GLIBC_2.14), and an explicit
   .symver reference binds to the old realpath@GLIBC_2.2.5, which (unlike the current one)
   refuses a NULL buffer with EINVAL. Shared libc only: libc.a has no versions. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__asm__(".symver old_realpath, realpath@GLIBC_2.2.5");
char *old_realpath(const char *path, char *resolved);
__asm__(".symver old_memcpy, memcpy@GLIBC_2.2.5");
void *old_memcpy(void *dst, const void *src, size_t n);

int main(void) {
    char src[32] = "versioned memcpy", dst[32] = {0}, dst2[32] = {0};
    void *(*volatile mc)(void *, const void *, size_t) = memcpy;
    mc(dst, src, sizeof src);
    old_memcpy(dst2, src, sizeof src);
    char buf[PATH_MAX];
    errno = 0;
    char *r_old_null = old_realpath("/", NULL);
    int old_errno = errno;
    char *r_old = old_realpath("/usr/../", buf);
    char *r_new = realpath("/usr/../", NULL);
    printf("memcpy: %s / %s\n", dst, dst2);
    printf("old realpath(NULL buf): %s errno=%s\n", r_old_null ? r_old_null : "NULL",
           old_errno == EINVAL ? "EINVAL" : "other");
    printf("old realpath: %s new realpath: %s\n", r_old ? r_old : "NULL", r_new ? r_new : "NULL");
    int ok = !strcmp(dst, src) && !strcmp(dst2, src) && r_old_null == NULL &&
             old_errno == EINVAL && r_old && !strcmp(r_old, "/") && r_new && !strcmp(r_new, "/");
    free(r_new);
    printf("%s\n", ok ? "symver ok" : "symver WRONG");
    return ok ? 0 : 1;
}
