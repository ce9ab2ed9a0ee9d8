/* The machine's f32 FMA limit on one core, the ceiling for bench/RESULTS.md's GEMM and
   model figures: 12 independent 8-lane FMA chains (enough to cover the FMA latency on
   two pipes), 200 M iterations.
     gcc -O3 -funroll-all-loops -mavx2 -mfma bench/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  __m256 acc[12];
  __m256 b = _mm256_set1_ps(1.0000001f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_ps((float)i);
  const long n = 200000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; ++i)
    for (int j = 0; j < 12; ++j)
      acc[j] = _mm256_fmadd_ps(acc[j], b, c);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  float sum = 0; /* keeps the chains live */
  for (int i = 0; i < 12; ++i)
    sum += acc[i][0];
  printf("%.1f GFLOP/s f32 FMA on one core (checksum %g)\n", (double)n * 12 * 16 / s / 1e9, sum);
  return 0;
}
