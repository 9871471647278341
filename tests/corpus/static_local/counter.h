/* A static inline function with a static local: each object gets its own copy. */
static inline int per_object_counter(void) {
    static int n;
    return ++n;
}
