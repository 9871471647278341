const char *pulled(void) { return "from archive"; }
