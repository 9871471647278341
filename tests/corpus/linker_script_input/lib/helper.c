int helper_scale(int v) { return v * 3; }
