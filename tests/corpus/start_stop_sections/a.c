#include "items.h"
ITEM(a_first, "a-first", 1);
ITEM(a_second, "a-second", 2);
