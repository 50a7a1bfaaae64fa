// MARK: - A pool of large buffers
//
// Tensors of a few hundred kilobytes (a 2048 x 64 batch of activations) are made and dropped at every layer. malloc
// serves such sizes with fresh pages from the kernel (mmap, or a heap top that it trims again), and faulting those
// pages in cost as much as the arithmetic done on them. Freed large buffers are therefore kept here, up to a bounded
// total, and handed out again for requests they fit without wasting more than a quarter of their size.

#include "CKernels.h"

#include <pthread.h>
#include <stdlib.h>

/// Buffers below this size go straight to malloc, which serves them quickly from its own free lists.
#define POOL_MINIMUM_BYTES ((size_t)64 * 1024)
/// At most this many buffers and this many bytes are kept.
#define POOL_SLOTS 32
#define POOL_MAXIMUM_BYTES ((size_t)64 * 1024 * 1024)

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void *pool_buffers[POOL_SLOTS];
static size_t pool_sizes[POOL_SLOTS];
static int pool_count = 0;
static size_t pool_bytes = 0;

void *rein_buffer_allocate(size_t bytes, size_t *capacity) {
  if (bytes == 0) bytes = sizeof(float);
  if (bytes >= POOL_MINIMUM_BYTES) {
    void *found = NULL;
    pthread_mutex_lock(&pool_lock);
    int best = -1;
    for (int i = 0; i < pool_count; i++) {
      size_t size = pool_sizes[i];
      if (size >= bytes && size - bytes <= bytes / 4 && (best < 0 || size < pool_sizes[best])) best = i;
    }
    if (best >= 0) {
      found = pool_buffers[best];
      *capacity = pool_sizes[best];
      pool_bytes -= pool_sizes[best];
      pool_count -= 1;
      pool_buffers[best] = pool_buffers[pool_count];
      pool_sizes[best] = pool_sizes[pool_count];
    }
    pthread_mutex_unlock(&pool_lock);
    if (found) return found;
  }
  void *buffer = malloc(bytes);
  if (!buffer) return NULL; // the caller reports it (TensorStorage: TensorAllocationFailure)
  *capacity = bytes;
  return buffer;
}

void rein_buffer_release(void *buffer, size_t capacity) {
  if (capacity >= POOL_MINIMUM_BYTES) {
    pthread_mutex_lock(&pool_lock);
    if (pool_count < POOL_SLOTS && pool_bytes + capacity <= POOL_MAXIMUM_BYTES) {
      pool_buffers[pool_count] = buffer;
      pool_sizes[pool_count] = capacity;
      pool_count += 1;
      pool_bytes += capacity;
      buffer = NULL;
    }
    pthread_mutex_unlock(&pool_lock);
  }
  free(buffer);
}
