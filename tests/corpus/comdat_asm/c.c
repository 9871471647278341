/* A copy of a.o's comdat_fn group whose signature symbol is local to this object (GNU as makes
   it local when the object does not declare it global). Groups match by signature name, so this
   copy is discarded; if it were kept, its a_calls would be a second definition of a.o's. */
__asm__(".section .text.c_copy,\"axG\",@progbits,comdat_fn,comdat\n"
        ".globl a_calls\n"
        ".type a_calls,@function\n"
        "a_calls:\n"
        "  movl $3, %eax\n"
        "  ret\n"
        ".size a_calls, .-a_calls\n"
        ".text\n");
