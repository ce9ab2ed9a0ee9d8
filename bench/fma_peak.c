/* The machine's f32 FMA limit on one core, the ceiling for bench/RESULTS.md's GEMM and
   model figures: 12 independent FMA chains (enough to cover the FMA latency on two pipes),
   200 M iterations, on the widest vectors the compiler targets (AVX-512 if -march=native
   has it, else AVX2).
     gcc -O3 -funroll-all-loops -march=native bench/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ISA "AVX-512"
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ISA "AVX2"
#endif

int main(void) {
  vec acc[12];
  vec b = SET1(1.0000001f), c = SET1(1e-7f);
  for (int i = 0; i < 12; ++i)
    acc[i] = SET1((float)i);
  const long n = 200000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; ++i)
    for (int j = 0; j < 12; ++j)
      acc[j] = FMA(acc[j], b, c);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  float sum = 0; /* keeps the chains live */
  for (int i = 0; i < 12; ++i)
    sum += ((float *)&acc[i])[0];
  printf("%.1f GFLOP/s f32 FMA on one core, %s (checksum %g)\n", (double)n * 12 * 2 * LANES / s / 1e9, ISA, sum);
  return 0;
}
