#include <stdio.h>
#include <dlfcn.h>
int main(void) {
  void *h = dlopen("./libcdy.so", RTLD_NOW);
  if (!h) { printf("%s\n", dlerror()); return 1; }
  unsigned long (*add)(unsigned long, unsigned long) = dlsym(h, "cdy_add");
  unsigned long (*calls)(void) = dlsym(h, "cdy_calls");
  printf("%lu %lu %lu\n", add(1, 4), add(2, 3), calls());
  return 0;
}
