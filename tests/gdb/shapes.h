/* Shared by main.c and shapes.c, the program tests/gdb.rs debugs. */
struct point {
    int x, y;
};

struct shape {
    const char *name;
    struct point corner;
    int sides;
    double scale;
};

extern int global_counter;
extern __thread int tls_counter;

/* In shapes.c. `visit` is called back (from main.c) for every side. */
int walk_shape(const struct shape *s, int (*visit)(const struct shape *, int));
void bump_tls(int by);
