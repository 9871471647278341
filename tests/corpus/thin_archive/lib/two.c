const char thin_msg[] = "members found";
int thin_two(void) { return 2; }
