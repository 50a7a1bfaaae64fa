import ClassicControl
import PolicyGradient

/// A registry holding the classic-control environments, for tests.
let classicRegistry: EnvironmentRegistry = {
  let registry = EnvironmentRegistry()
  try! registerClassicControlEnvironments(in: registry)
  return registry
}()

func makeClassic(_ id: String) throws -> any Environment { try classicRegistry.make(id) }
