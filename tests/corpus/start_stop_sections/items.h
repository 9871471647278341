/* Each object adds entries to the section "my_items"; the linker defines __start_my_items and
   __stop_my_items around all of them. */
struct item {
    const char *name;
    int value;
};
#define ITEM(var, n, v)                                                                            \
    __attribute__((section("my_items"), used, aligned(8))) static const struct item var = {n, v}
