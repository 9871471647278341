int lib_data[3] = {1, 2, 3};
