#include "counter.h"
int other_count(void) { return per_object_counter(); }
