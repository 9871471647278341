/* Pointers to data in initialised data, with addends, across objects. */
int other_arr[10] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90};
const char other_str[] = "other object string";
int *const into_middle = &other_arr[5];
