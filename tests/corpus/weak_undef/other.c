int present_var = 9;
void present_fn(void) {}
