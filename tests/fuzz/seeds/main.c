/* Fuzz seed: the program of the dynamic scenario, calling into the shared library. */
extern int fuzz_main(void);
extern int so_fn(int);
extern int so_data;
int main(void) { return fuzz_main() + so_fn(1) + so_data; }
