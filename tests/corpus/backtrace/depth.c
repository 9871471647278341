/* Recursion across two objects; the empty asm after each call keeps it from being a tail call,
   so every level is a real frame that the unwinder has to walk through .eh_frame. */
int count_frames(int which);
int level_b(int d, int which);

__attribute__((noinline)) int level_a(int d, int which) {
    int r = d == 0 ? count_frames(which) : level_b(d - 1, which);
    __asm__ volatile("" : "+r"(r));
    return r;
}
