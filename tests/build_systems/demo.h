extern int demo_counter;
int demo_next(void);
const char *demo_name(void);
