# shellcheck shell=bash
# Statistics for tests/bench/run.sh, sourced by it and by tests/bench/test_stats.sh.
# Each reads one number per line on standard input.

# The median.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# "median lo-hi min-max": the median (3 decimals), a 95 % confidence interval of the
# median (3 decimals), and the range (2 decimals), all from one sort and rounded by
# the same printf, so that a median on a rounding edge cannot fall outside its
# interval. The interval comes from the order statistics of the sorted values
# (distribution-free): the j-th and k-th, j = n/2 - 0.98 sqrt(n) rounded down,
# k = n/2 + 1 + 0.98 sqrt(n) rounded up, clamped to 1..n. With 8 values it is the whole
# range; it narrows as the square root of the count. Prints nothing for no input.
median_summary() {
    sort -g | awk '{x[NR] = $1} END {
        n = NR; if (n == 0) exit
        m = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
        j = int(n / 2 - 0.98 * sqrt(n)); k = n / 2 + 1 + 0.98 * sqrt(n)
        k = (k == int(k)) ? k : int(k) + 1
        if (j < 1) j = 1
        if (k > n) k = n
        printf "%.3f %.3f-%.3f %.2f-%.2f\n", m, x[j], x[k], x[1], x[n] }'
}
