#include "items.h"
ITEM(c_first, "c-first", 1);
ITEM(c_second, "c-second", 2);
