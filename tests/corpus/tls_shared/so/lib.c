/* TLS defined in a shared library: the executable reaches it through a TPOFF64 dynamic
   relocation (initial-exec from -fPIE/-fno-pie code). */
__thread int so_tls = 100;
__thread int so_tbss;

int so_get(void) { return so_tls + so_tbss; }
void so_bump(void) {
    so_tls++;
    so_tbss += 10;
}
