/* TLS descriptors (-mtls-dialect=gnu2): global-dynamic form for an exported variable. */
__thread int desc_gd = 11;
__thread long desc_gd_arr[3] = {1, 2, 3};
