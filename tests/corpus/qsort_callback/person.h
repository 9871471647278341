struct person {
    const char *name;
    int age;
};
