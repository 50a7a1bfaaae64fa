// Each benchmark file adds a `register...()` function; list it here.
func registerAll() {
  registerTensorBenchmarks()
  registerKernelBenchmarks()
  registerAlgorithmBenchmarks()
  registerMuJoCoBenchmarks()
  registerEnvironmentBenchmarks()
  registerBox2DBenchmarks()
  registerExperimentBenchmarks()
  registerRenderingBenchmarks()
}
