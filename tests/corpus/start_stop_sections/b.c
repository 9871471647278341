#include "items.h"
ITEM(b_first, "b-first", 1);
ITEM(b_second, "b-second", 2);
