struct small { int a, b; };              /* in registers */
struct mixed { double x; long y; };      /* one SSE, one integer register */
struct big { long v[8]; char tag[16]; }; /* in memory */
struct small make_small(int a, int b);
struct mixed scale_mixed(struct mixed m, double k);
struct big fill_big(struct big in, long add);
long sum_big(struct big b);
