/* Defines the TLS variables; main.c reaches them with the initial-exec model (GOTTPOFF). */
__thread int ie_var = 42;
__thread long ie_arr[8] = {10, 20, 30};
__thread int ie_zero;

int defs_read(void) { return ie_var + (int)ie_arr[1] + ie_zero; }
