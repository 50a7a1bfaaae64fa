// Function multiversioning: on x86-64 Linux each marked function is compiled for AVX-512, AVX2 (+FMA) and the
// baseline, and the dynamic loader binds the best one for the processor (an ifunc). Elsewhere (macOS, arm64) the
// functions are compiled once for the target's baseline, which the compiler vectorises on its own (NEON on arm64).

#ifndef REIN_MULTIVERSION_H
#define REIN_MULTIVERSION_H

#if defined(__x86_64__) && defined(__linux__) && defined(__clang__)
#define REIN_MULTIVERSION __attribute__((target_clones("avx512f", "arch=x86-64-v3", "default")))
#define REIN_X86_DISPATCH 1
#else
#define REIN_MULTIVERSION
#define REIN_X86_DISPATCH 0
#endif

#endif
