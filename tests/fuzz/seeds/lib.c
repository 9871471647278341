/* Fuzz seed: archive members (lib_fn, lib_long_member_fn, thin_fn) and compressed-debug objects
   (zlib_fn, zstd_fn), one source compiled with -DNAME=... */
static const char tag[] = "member " NAME_STR;
int NAME(int x) { return x * 3 + tag[0]; }
