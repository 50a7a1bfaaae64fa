// Each benchmark file adds a `register...()` function; list it here.
func registerAll() {
  registerTensorBenchmarks()
  registerKernelBenchmarks()
  registerMuJoCoBenchmarks()
  registerEnvironmentBenchmarks()
  registerBox2DBenchmarks()
  registerExperimentBenchmarks()
}
