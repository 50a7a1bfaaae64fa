// CBLAS on Linux comes from OpenBLAS (Debian: libopenblas-dev). On macOS Rein uses Accelerate instead.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
