/* Test driver for tests/sqlite.rs: runs an SQL script against an in-memory SQLite database and
 * prints every result row, so that two links of the same objects can be compared byte for byte.
 *
 *   driver SCRIPT.sql
 *
 * Each statement of the script is prepared and stepped in turn. A statement that returns rows
 * prints a header `#<n> <col>|<col>...` and then one line per row, columns separated by `|`:
 * integers in decimal, reals with printf("%.6f") (glibc's double formatting, not SQLite's),
 * text as is, blobs in hex, NULL as `NULL`. A statement that fails at run time (a constraint, a
 * RAISE in a trigger) prints `#<n> error: <message>` and the script goes on. The script must parse:
 * a syntax error is fatal (exit 1), since the rest of the script could not be found reliably.
 *
 * The driver also registers C functions the script calls, so that SQLite calls back into this
 * file through function pointers it was handed at run time:
 *   c_hypot(x, y)    scalar, real: hypot(3) from libm
 *   c_rot13(text)    scalar, text
 *   c_median(x)      aggregate over reals (step/final callbacks, qsort with a comparator)
 *   c_reverse        a collation comparing strings back to front
 *
 * Output ends with a summary line; exit status 0 unless something fatal happened. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static void c_hypot(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_double(ctx, hypot(sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1])));
}

static void c_rot13(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const unsigned char *in = sqlite3_value_text(argv[0]);
    if (in == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int n = sqlite3_value_bytes(argv[0]);
    char *out = sqlite3_malloc(n + 1);
    if (out == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    for (int i = 0; i < n; i++) {
        unsigned char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = 'a' + (c - 'a' + 13) % 26;
        else if (c >= 'A' && c <= 'Z')
            c = 'A' + (c - 'A' + 13) % 26;
        out[i] = (char)c;
    }
    out[n] = 0;
    sqlite3_result_text(ctx, out, n, sqlite3_free);
}

struct median {
    double *v;
    int n, cap;
};

static void median_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    struct median *m = sqlite3_aggregate_context(ctx, sizeof *m);
    if (m == NULL || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 8;
        double *v = sqlite3_realloc(m->v, cap * (int)sizeof *v);
        if (v == NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n++] = sqlite3_value_double(argv[0]);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void median_final(sqlite3_context *ctx) {
    struct median *m = sqlite3_aggregate_context(ctx, 0);
    if (m == NULL || m->n == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    qsort(m->v, m->n, sizeof *m->v, cmp_double);
    double r = m->n % 2 ? m->v[m->n / 2] : (m->v[m->n / 2 - 1] + m->v[m->n / 2]) / 2;
    sqlite3_free(m->v);
    sqlite3_result_double(ctx, r);
}

static int reverse_collate(void *arg, int na, const void *a, int nb, const void *b) {
    (void)arg;
    const unsigned char *x = a, *y = b;
    while (na > 0 && nb > 0) {
        unsigned char cx = x[--na], cy = y[--nb];
        if (cx != cy)
            return cx < cy ? -1 : 1;
    }
    return (na > 0) - (nb > 0);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[len] = 0;
    return buf;
}

static void print_value(sqlite3_stmt *st, int i) {
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        printf("%lld", (long long)sqlite3_column_int64(st, i));
        break;
    case SQLITE_FLOAT:
        printf("%.6f", sqlite3_column_double(st, i));
        break;
    case SQLITE_TEXT:
        fputs((const char *)sqlite3_column_text(st, i), stdout);
        break;
    case SQLITE_BLOB: {
        const unsigned char *p = sqlite3_column_blob(st, i);
        int n = sqlite3_column_bytes(st, i);
        fputs("x'", stdout);
        for (int k = 0; k < n; k++)
            printf("%02x", p[k]);
        putchar('\'');
        break;
    }
    default:
        fputs("NULL", stdout);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCRIPT.sql\n", argv[0]);
        return 1;
    }
    char *script = read_file(argv[1]);
    if (script == NULL)
        return 1;

    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "cannot open database: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    if (sqlite3_create_function(db, "c_hypot", 2, flags, NULL, c_hypot, NULL, NULL) ||
        sqlite3_create_function(db, "c_rot13", 1, flags, NULL, c_rot13, NULL, NULL) ||
        sqlite3_create_function(db, "c_median", 1, flags, NULL, NULL, median_step, median_final) ||
        sqlite3_create_collation(db, "c_reverse", SQLITE_UTF8, NULL, reverse_collate)) {
        fprintf(stderr, "cannot register functions: %s\n", sqlite3_errmsg(db));
        return 1;
    }

    int stmt_no = 0, rows = 0, errors = 0;
    const char *sql = script;
    while (*sql) {
        sqlite3_stmt *st;
        const char *tail;
        if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
            fprintf(stderr, "cannot prepare statement %d: %s\n", stmt_no + 1, sqlite3_errmsg(db));
            return 1;
        }
        sql = tail;
        if (st == NULL) /* only whitespace or comments were left */
            continue;
        stmt_no++;
        int ncol = sqlite3_column_count(st);
        if (ncol > 0) {
            printf("#%d ", stmt_no);
            for (int i = 0; i < ncol; i++)
                printf("%s%s", i ? "|" : "", sqlite3_column_name(st, i));
            putchar('\n');
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            rows++;
            for (int i = 0; i < ncol; i++) {
                if (i)
                    putchar('|');
                print_value(st, i);
            }
            putchar('\n');
        }
        if (rc != SQLITE_DONE) {
            errors++;
            printf("#%d error: %s\n", stmt_no, sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
    }
    printf("summary: sqlite %s, %d statements, %d rows, %d errors, %d changes\n",
           sqlite3_libversion(), stmt_no, rows, errors, sqlite3_total_changes(db));
    if (sqlite3_close(db) != SQLITE_OK) {
        fprintf(stderr, "cannot close database\n");
        return 1;
    }
    free(script);
    return 0;
}
